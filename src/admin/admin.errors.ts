import { AppException } from '../common/errors/app.exception';

/** An unknown or malformed user id: the same answer. */
export const userNotFound = () => new AppException('not_found', 'no account has this id');

export const invalidQuery = (field: string, message: string) =>
  new AppException('validation_failed', message, {
    details: { errors: [{ field, messages: [message] }] },
  });
