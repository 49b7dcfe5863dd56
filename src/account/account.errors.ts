import { AppException } from '../common/errors/app.exception';

export const emailTokenInvalid = () =>
  new AppException(
    'email_token_invalid',
    'this link is not valid (already used, replaced by a newer one, or mistyped); ask for a new one',
  );

export const emailTokenExpired = () =>
  new AppException('email_token_expired', 'this link has expired; ask for a new one');

export const resetTokenInvalid = () =>
  new AppException(
    'reset_token_invalid',
    'this reset link is not valid (already used, replaced by a newer one, or mistyped); ask for a new one',
  );

export const resetTokenExpired = () =>
  new AppException('reset_token_expired', 'this reset link has expired; ask for a new one');

export const sameEmail = () =>
  new AppException('validation_failed', 'newEmail is already the address of this account', {
    details: {
      errors: [
        { field: 'newEmail', messages: ['newEmail is already the address of this account'] },
      ],
    },
  });
