import { AppException } from '../common/errors/app.exception';

export const databaseDown = () =>
  new AppException('service_unavailable', 'the database is unreachable', {
    details: { status: 'error', details: { database: { status: 'down' } } },
  });
