import { AppException } from '../common/errors/app.exception';

export const notReady = (details: Record<string, { status: 'up' | 'down' }>) =>
  new AppException(
    'service_unavailable',
    'the database does not answer or does not accept writes',
    {
      details: { status: 'error', details, retryAfter: 2 },
    },
  );
