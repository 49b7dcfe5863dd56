import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigValidationError } from './config';

async function bootstrap(): Promise<void> {
  const { app, config } = await createApp();
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  const logger = new Logger('Portcullis');
  if (config.redis.url) {
    logger.warn(
      'REDIS_URL is set, but this version keeps rate limits and revocation notices per instance; ' +
        'run a single instance, or expect limits and the one-second revocation to hold per instance only',
    );
  }
  logger.log(`listening on ${url} (API docs at ${url}/docs, ${config.database.kind} database)`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    console.error(
      `Portcullis cannot start. ${error.message}\nFix the settings (see README, "Settings") and start again.`,
    );
  } else {
    console.error('Portcullis failed to start:', error);
  }
  process.exit(1);
});
