import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.setup';
import { buildOpenApiDocument } from '../../src/http/swagger';
import type { AppConfig, EnvOverrides } from '../../src/config';
import { TestClock } from './clock';
import { createTestDatabase, type TestDatabase } from './database';
import { OpenApiResponseCheck, type RecordedResponse } from './openapi-check';

export interface TestApp {
  app: NestFastifyApplication;
  http: TestAgent;
  config: AppConfig;
  clock: TestClock;
  database: TestDatabase;
  env: EnvOverrides;
  /** Stops the app; the database stays for a restart. */
  stop(): Promise<void>;
  /** Stops the app and drops its database. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: EnvOverrides;
  clock?: TestClock;
  /** Reuse the database (and data folder) of an earlier app: a restart. */
  database?: TestDatabase;
  /** Where the app's log lines go (captureLogs()); none are kept otherwise. */
  logStream?: DestinationStream;
}

/**
 * The whole application, built by the same createApp() as main.ts, listening on a free port of 127.0.0.1, on a real
 * database built by the migrations.
 * Limits are raised so that suites do not trip over them unless they set their own.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const clock = options.clock ?? new TestClock();
  const env: EnvOverrides = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'json',
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir,
    THROTTLE_LIMIT: '100000',
    LOGIN_THROTTLE_LIMIT: '100000',
    JWT_PRIVATE_KEY: undefined,
    JWT_PRIVATE_KEY_FILE: undefined,
    ...options.env,
  };
  const { app, config } = await createApp({ env, clock, logStream: options.logStream });
  const answers: Answers = { app, unchecked: recordResponses(app) };
  if (config.http.docsEnabled) running.add(answers);
  // A real listening socket, as in production: the server's timeouts, limits and graceful close all apply.
  await app.listen(0, '127.0.0.1');
  const stop = async () => {
    const drift = running.has(answers) ? driftOf(answers) : [];
    running.delete(answers);
    await app.close();
    throwOnDrift(drift);
  };
  return {
    app,
    http: request(await app.getUrl()),
    config,
    clock,
    database,
    env,
    stop,
    close: async () => {
      await stop();
      await database.drop();
    },
  };
}

/** Every answer the app gives, for the check against the OpenAPI document. */
function recordResponses(app: NestFastifyApplication): RecordedResponse[] {
  const responses: RecordedResponse[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      responses.push({
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        contentType: String(reply.getHeader('content-type') ?? ''),
        body: typeof payload === 'string' ? payload : '',
      });
      return payload;
    });
  return responses;
}

/** An app whose document is served, and the answers it gave since the last check. */
interface Answers {
  app: NestFastifyApplication;
  unchecked: RecordedResponse[];
  check?: OpenApiResponseCheck;
}

/** The running apps of this test file. */
const running = new Set<Answers>();

/** What is wrong with the answers given since the last check, against the OpenAPI document the app serves. */
function driftOf(answers: Answers): string[] {
  answers.check ??= new OpenApiResponseCheck(buildOpenApiDocument(answers.app) as never);
  const check = answers.check;
  return answers.unchecked.splice(0).flatMap((response) => check.problems(response));
}

function throwOnDrift(drift: string[]): void {
  if (drift.length > 0) {
    throw new Error(
      `answers that do not match the OpenAPI document:\n${[...new Set(drift)].join('\n')}`,
    );
  }
}

/**
 * Checks every answer the running apps gave since the last check against the OpenAPI document they serve: the
 * document cannot drift from the code without a test failing. Run after each test (test/support/check-answers.ts),
 * so that the test that got the answer fails; answers given after the last test are checked when the app stops.
 */
export function checkAnswers(): void {
  throwOnDrift([...running].flatMap(driftOf));
}

/** The same database, data folder and clock, in a new process-like app instance. */
export async function restartTestApp(previous: TestApp, env: EnvOverrides = {}): Promise<TestApp> {
  await previous.stop();
  return createTestApp({
    env: { ...previous.env, ...env },
    clock: previous.clock,
    database: previous.database,
  });
}
