import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import helmet from '@fastify/helmet';
import { HttpStatus } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import { BEARER_SCHEME } from './common/decorators/api-authenticated.decorator';
import { AppException } from './common/errors/app.exception';
import { ErrorCode } from './common/errors/error-code';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/validation';
import { loadConfig, type AppConfig, type EnvOverrides } from './config';

export const DOCS_PATH = 'docs';

const version = (): string =>
  (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string })
    .version;

/** Deeper bodies are refused: no request of this API nests more than a few levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * What is wrong with a parsed JSON body, if anything: nesting deeper than MAX_JSON_DEPTH (validation and
 * transformation are recursive, a deep enough body would exhaust the stack), or a NUL character in a key or a string
 * (PostgreSQL refuses them in text). Walks with its own stack, so any depth is safe to inspect.
 */
function inspectJson(body: unknown): string | undefined {
  const pending: Array<[unknown, number]> = [[body, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) {
        return 'strings in the request body must not contain NUL (\\u0000) characters';
      }
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) {
        return `the request body is nested more than ${MAX_JSON_DEPTH} levels deep`;
      }
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) {
          return 'strings in the request body must not contain NUL (\\u0000) characters';
        }
        pending.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Only JSON bodies are accepted; an empty body counts as no body, so `-H 'content-type: application/json'` with nothing is fine. */
function acceptJsonOnly(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') return done(null, undefined);
    void parseJson(request, body as string, (error, value) => {
      const problem = error ? undefined : inspectJson(value);
      if (problem) {
        return done(
          new AppException(HttpStatus.BAD_REQUEST, ErrorCode.ValidationFailed, problem),
          undefined,
        );
      }
      if (!error) return done(null, value);
      done(
        new AppException(
          HttpStatus.BAD_REQUEST,
          ErrorCode.InvalidJson,
          'the request body is not valid JSON (keys named __proto__ or constructor are refused)',
        ),
        undefined,
      );
    });
  });
}

function setUpSwagger(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Portcullis')
      .setDescription(
        'Authentication and user service: register, log in, rotate refresh tokens, verify access tokens with the JWKS.',
      )
      .setVersion(version())
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}-json` });
}

/**
 * The HTTP pipeline: validation, error format, security headers, request ids, JSON-only bodies, API docs.
 * main.ts and every e2e test go through it.
 */
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  acceptJsonOnly(fastify);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('onSend', async (_request, reply) => {
    // Answers carry tokens and personal data: no cache may keep them unless a route says otherwise.
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
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
        .code(HttpStatus.BAD_REQUEST)
        .header('cache-control', 'no-store')
        .send({
          statusCode: HttpStatus.BAD_REQUEST,
          error: 'Bad Request',
          message: `the request URL is not valid (${error.message})`,
          code: ErrorCode.BadRequest,
        });
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, clock: options.clock }),
    adapter,
    { logger: config.logLevels, bodyParser: false, abortOnError: false },
  );
  await configureApp(app);
  return { app, config };
}
