import { AppException } from '../common/errors/app.exception';
import { sessionRevoked } from '../sessions/sessions.errors';

/** The one answer to every failed login, whatever the cause. */
export const invalidCredentials = () =>
  new AppException('invalid_credentials', 'email or password is incorrect');

export const accountDisabledOnRefresh = () =>
  sessionRevoked('the account is disabled; the session was revoked');
