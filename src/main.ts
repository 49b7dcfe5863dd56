import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, type CreatedApp } from './app.setup';
import { StartupError } from './common/errors/startup.error';
import { ConfigValidationError, type AppConfig } from './config';
import { KEEP_ALIVE_TIMEOUT_MS } from './http/server';
import { DOCS_PATH } from './http/swagger';
import { SigningKeysService } from './keys/signing-keys.service';
import { redisEndpoint } from './redis/redis.connection';

/** In-flight requests get this long to finish after SIGINT or SIGTERM. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** One line that says what went wrong at start-up and what to do; never a stack trace. */
function describeStartupFailure(error: unknown, config?: AppConfig): string {
  if (error instanceof ConfigValidationError) {
    return `${error.problems.join('; ')}. Fix the settings (README, "Settings") and start again.`;
  }
  if (error instanceof StartupError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  const where = config ? `${config.http.host}:${config.http.port}` : 'the configured address';
  if (code === 'EADDRINUSE') {
    return `${where} is already in use: stop the other server, or set PORT (or HOST) to a free one`;
  }
  if (code === 'EACCES') {
    return `not allowed to listen on ${where} (ports below 1024 need privileges): set PORT`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `HOST=${config?.http.host} is not an address of this machine: set HOST (0.0.0.0 listens on all)`;
  }
  const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  return `${message} (please report this, with the steps that led to it)`;
}

function databaseLocation(config: AppConfig): string {
  if (config.database.kind === 'sqlite') return `SQLite ${config.database.path}`;
  const url = new URL(config.database.url);
  return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/** SIGINT (Ctrl-C, to the whole process group) and SIGTERM: let in-flight requests finish, then exit 0. */
function exitOnSignals({ app, logger }: Pick<CreatedApp, 'app' | 'logger'>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error(`requests still running after ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting`);
      logger.flush();
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function bootstrap(): Promise<void> {
  let created: CreatedApp | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    created = await createApp();
    app = created.app;
    await app.listen({ port: created.config.http.port, host: created.config.http.host });
  } catch (error) {
    console.error(`Portcullis cannot start: ${describeStartupFailure(error, created?.config)}`);
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
  const { config, logger } = created;
  exitOnSignals(created);
  const url = await app.getUrl();
  const { kid, alg } = app.get(SigningKeysService).signing;
  logger.info(`listening on ${url} (${config.app.env})`);
  if (config.http.docsEnabled) logger.info(`API docs at ${url}${DOCS_PATH}`);
  logger.info(`database: ${databaseLocation(config)}`);
  if (config.redis.url) logger.info(`redis: ${redisEndpoint(config.redis.url)}`);
  logger.info(`signing key: ${alg}, kid ${kid}`);
  logger.debug(
    `request timeout ${config.http.requestTimeout} s, keep-alive ${KEEP_ALIVE_TIMEOUT_MS / 1000} s, at most ${config.http.maxConnections} connections`,
  );
  logger.flush();
}

void bootstrap();
