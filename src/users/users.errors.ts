import { invalidToken } from '../access/access.errors';
import { AppException } from '../common/errors/app.exception';

export const emailTaken = () =>
  new AppException('email_taken', 'an account with this email already exists; log in instead');

/** A valid token whose user has been deleted since. */
export const userGone = () => invalidToken('the user no longer exists');

/** A change that would leave no enabled administrator (demote, disable or delete the last one). */
export const lastAdmin = () =>
  new AppException(
    'last_admin',
    'this is the last enabled administrator: make another account an administrator first',
  );
