import { AppException } from '../common/errors/app.exception';

export const badCursor = () =>
  new AppException('validation_failed', 'cursor is not one this server gave', {
    details: { errors: [{ field: 'cursor', messages: ['cursor is not one this server gave'] }] },
  });
