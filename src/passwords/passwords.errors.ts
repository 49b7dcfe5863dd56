import { AppException } from '../common/errors/app.exception';

export type PasswordRule = 'too_short' | 'too_long' | 'common' | 'contains_email';

export const weakPassword = (rule: PasswordRule, message: string) =>
  new AppException('weak_password', message, { details: { rule } });

/** A full hashing queue is an overload, not a wrong password: 503 with Retry-After, whoever the account. */
export const hashingBusy = () =>
  new AppException(
    'service_unavailable',
    'too many password checks are in progress; retry in a moment',
    { details: { retryAfter: 1 } },
  );
