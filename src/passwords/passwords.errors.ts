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

/** No hashing process could answer (a shutdown in progress, or a process that died and is being replaced). */
export const hashingUnavailable = () =>
  new AppException('service_unavailable', 'password checks are unavailable; retry in a moment', {
    details: { retryAfter: 1 },
  });
