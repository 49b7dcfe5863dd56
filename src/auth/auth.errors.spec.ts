import type { AppException } from '../common/errors/app.exception';
import {
  accountDisabled,
  accountDisabledOnRefresh,
  emailNotVerified,
  invalidCredentials,
  invalidCurrentPassword,
  invalidMfaCodeAtSignIn,
  mfaTokenInvalid,
} from './auth.errors';

/** What a client receives: the status, the code it branches on and the message it shows. */
describe('auth errors', () => {
  // Each error is built inside its test, so that coverage (npm run test:mutation) ties the factory to the test.
  it.each<[string, () => AppException, number, string, string]>([
    [
      'a failed login',
      () => invalidCredentials(),
      401,
      'invalid_credentials',
      'email or password is incorrect',
    ],
    [
      'a refresh for a disabled account',
      () => accountDisabledOnRefresh(),
      401,
      'session_revoked',
      'the account is disabled; the session was revoked',
    ],
    [
      'a login to a disabled account',
      () => accountDisabled(),
      403,
      'account_disabled',
      'this account is disabled; ask the people who run this service to enable it',
    ],
    [
      'a login before the email is confirmed',
      () => emailNotVerified(),
      403,
      'email_not_verified',
      'confirm your email address first: use the link we mailed you, or ask for a new one at POST /auth/email/resend',
    ],
    [
      'a wrong current password',
      () => invalidCurrentPassword(),
      400,
      'invalid_current_password',
      'the current password is incorrect',
    ],
    [
      'a second sign-in step that is over',
      () => mfaTokenInvalid(),
      401,
      'mfa_token_invalid',
      'the sign-in step is over (used, expired or too many tries): log in with your password again',
    ],
    [
      'a wrong code at the second sign-in step',
      () => invalidMfaCodeAtSignIn(),
      401,
      'invalid_mfa_code',
      'the code is not valid (each code works once)',
    ],
  ])('%s', (_, make, status, code, message) => {
    const error = make();
    expect(error.getStatus()).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.headers).toEqual({});
    expect(error.details).toEqual({});
  });
});
