import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import { loadConfig, type AppConfig, type EnvOverrides } from './config';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { errorBody } from './http/error-body';
import { acceptJsonOnly } from './http/json-body';
import { addSecurityHeaders } from './http/security-headers';
import { setUpSwagger } from './http/swagger';
import { createValidationPipe } from './http/validation.pipe';

/**
 * The HTTP pipeline: JSON-only bodies, security headers and request ids, validation, the error format, API docs.
 * main.ts and every e2e test go through it.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  acceptJsonOnly(app.getHttpAdapter().getInstance());
  await addSecurityHeaders(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  setUpSwagger(app);
  app.enableShutdownHooks();
}

export interface CreateAppOptions {
  /** Settings that win over the environment and `.env` (tests). */
  env?: EnvOverrides;
  clock?: Clock;
}

/** Builds the whole application: validated settings, fastify, modules, pipeline. */
export async function createApp(
  options: CreateAppOptions = {},
): Promise<{ app: NestFastifyApplication; config: AppConfig }> {
  const config = loadConfig(options.env);
  const adapter = new FastifyAdapter({
    trustProxy: config.http.trustProxy,
    bodyLimit: config.http.bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Requests fastify refuses before routing (a malformed URL such as /%zz) get the same error format.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      void reply
        .code(400)
        .header('cache-control', 'no-store')
        .send(errorBody(400, 'bad_request', `the request URL is not valid (${error.message})`));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, clock: options.clock }),
    adapter,
    { logger: config.app.logLevels, bodyParser: false, abortOnError: false },
  );
  await configureApp(app);
  return { app, config };
}
