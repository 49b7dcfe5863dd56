import { AppException } from '../common/errors/app.exception';
import { sessionRevoked } from '../sessions/sessions.errors';

/** The one answer to every failed login, whatever the cause (a locked account included). */
export const invalidCredentials = () =>
  new AppException('invalid_credentials', 'email or password is incorrect');

export const accountDisabledOnRefresh = () =>
  sessionRevoked('the account is disabled; the session was revoked');

/** Given only after the correct password: an administrator disabled the account. */
export const accountDisabled = () =>
  new AppException(
    'account_disabled',
    'this account is disabled; ask the people who run this service to enable it',
  );

/** Given only after the correct password, when REQUIRE_EMAIL_VERIFICATION=true. */
export const emailNotVerified = () =>
  new AppException(
    'email_not_verified',
    'confirm your email address first: use the link we mailed you, or ask for a new one at POST /auth/email/resend',
  );

/** A wrong current password on a route that changes credentials (it counts toward lockout). */
export const invalidCurrentPassword = () =>
  new AppException('invalid_current_password', 'the current password is incorrect');

/** The second sign-in step's token is unknown, used, expired or out of tries: sign in again. */
export const mfaTokenInvalid = () =>
  new AppException(
    'mfa_token_invalid',
    'the sign-in step is over (used, expired or too many tries): log in with your password again',
  );

/** A wrong or reused second-factor code at sign-in (it counts toward lockout). */
export const invalidMfaCodeAtSignIn = () =>
  new AppException('invalid_mfa_code', 'the code is not valid (each code works once)', {
    status: 401,
  });
