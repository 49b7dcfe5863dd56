import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { ConfigValidationError } from './config';

async function bootstrap(): Promise<void> {
  const { app, config } = await createApp();
  await app.listen(config.http.port, config.http.host);
  const shown = config.http.host === '0.0.0.0' ? 'localhost' : config.http.host;
  new Logger('Portcullis').log(
    `listening on http://${shown}:${config.http.port} (docs at /docs, ${config.database.kind} database)`,
  );
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
