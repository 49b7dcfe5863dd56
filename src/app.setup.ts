import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { AppModule } from './app.module';
import { AfterAnswer } from './common/after-answer';
import type { Clock } from './common/clock';
import { loadConfig, type AppConfig, type EnvOverrides } from './config';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { errorBody } from './http/error-body';
import { acceptFormOnOAuthRoutes, acceptJsonOnly } from './http/json-body';
import { createLogger, PinoNestLogger } from './http/logger';
import { logRequests } from './http/request-log';
import { RouteTable } from './http/route-table';
import { addSecurityHeaders } from './http/security-headers';
import { answerClientError, refuseRequestsWhileClosing, serverFactory } from './http/server';
import { setUpSwagger } from './http/swagger';
import { createValidationPipe } from './http/validation.pipe';

/**
 * The HTTP pipeline: JSON-only bodies, security headers and request ids, one log line per request, validation,
 * the error format (405 for a known path with another method), API docs. main.ts and every e2e test go through it.
 */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: Logger,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new RouteTable();
  routes.listen(fastify);
  refuseRequestsWhileClosing(fastify);
  // Once the last request is answered, and before the database closes: the work those answers left to do.
  const afterAnswer = app.get(AfterAnswer);
  fastify.addHook('onClose', () => afterAnswer.settled());
  acceptJsonOnly(fastify);
  acceptFormOnOAuthRoutes(fastify);
  addSecurityHeaders(fastify);
  logRequests(fastify, logger);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(routes));
  if (config.http.docsEnabled) setUpSwagger(app);
}

export interface CreateAppOptions {
  /** Settings that win over the environment and `.env` (tests). */
  env?: EnvOverrides;
  clock?: Clock;
  /** Where log lines go instead of standard output (tests). */
  logStream?: DestinationStream;
}

export interface CreatedApp {
  app: NestFastifyApplication;
  config: AppConfig;
  logger: Logger;
}

/** Builds the whole application: validated settings, logger, HTTP server, fastify, modules, pipeline. */
export async function createApp(options: CreateAppOptions = {}): Promise<CreatedApp> {
  const config = loadConfig(options.env);
  const logger = createLogger(config.logging, options.logStream);
  const adapter = new FastifyAdapter({
    // No Nest middleware here: without middie, requests skip its hook.
    skipMiddie: true,
    serverFactory: serverFactory(config.http, logger),
    clientErrorHandler: answerClientError(logger),
    trustProxy: config.http.trustProxy,
    bodyLimit: config.http.bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // In-flight requests finish on close; idle keep-alive connections are closed at once; requests that still
    // arrive get the common 503 (refuseRequestsWhileClosing).
    forceCloseConnections: 'idle',
    return503OnClosing: false,
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
    { logger: new PinoNestLogger(logger), bodyParser: false, abortOnError: false },
  );
  await configureApp(app, config, logger);
  return { app, config, logger };
}
