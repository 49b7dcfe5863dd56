import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { LogLevel } from '@nestjs/common';
import { parse as parseDotEnv } from 'dotenv';
import { ConfigValidationError, EnvironmentVariables, validateEnv } from './env.validation';

export type DatabaseConfig =
  { kind: 'sqlite'; url: string; path: string } | { kind: 'postgres'; url: string };

export interface AppConfig {
  env: EnvironmentVariables['NODE_ENV'];
  http: {
    host: string;
    port: number;
    trustProxy: boolean | number | string[];
    bodyLimit: number;
  };
  logLevels: LogLevel[];
  dataDir: string;
  database: DatabaseConfig;
  redisUrl?: string;
  jwt: {
    issuer: string;
    audience: string;
    accessTokenTtl: number;
    privateKey?: { source: 'JWT_PRIVATE_KEY' | 'JWT_PRIVATE_KEY_FILE'; text: string };
  };
  sessions: { refreshTokenTtl: number; maxAge: number; reuseGrace: number };
  throttle: { limit: number; ttl: number; loginLimit: number };
  password: {
    minLength: number;
    maxLength: number;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
    maxConcurrentHashes: number;
  };
}

const LOG_LEVELS: Record<EnvironmentVariables['LOG_LEVEL'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * `true` trusts the one proxy in front: the client is the last address it appended to X-Forwarded-For. Trusting
 * every hop would let a client choose its own address (the leftmost entry) and slip past the rate limits.
 */
function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return 1;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim());
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return { kind: 'sqlite', url, path: path === ':memory:' ? path : resolve(path) };
  }
  return { kind: 'postgres', url };
}

function readPrivateKey(env: EnvironmentVariables): AppConfig['jwt']['privateKey'] {
  if (env.JWT_PRIVATE_KEY && env.JWT_PRIVATE_KEY_FILE) {
    throw new ConfigValidationError([
      'JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_FILE are both set: keep one of them',
    ]);
  }
  if (env.JWT_PRIVATE_KEY) return { source: 'JWT_PRIVATE_KEY', text: env.JWT_PRIVATE_KEY };
  if (env.JWT_PRIVATE_KEY_FILE) {
    try {
      return {
        source: 'JWT_PRIVATE_KEY_FILE',
        text: readFileSync(env.JWT_PRIVATE_KEY_FILE, 'utf8'),
      };
    } catch (error) {
      throw new ConfigValidationError([
        `JWT_PRIVATE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${env.JWT_PRIVATE_KEY_FILE}`,
      ]);
    }
  }
  if (env.NODE_ENV === 'production') {
    throw new ConfigValidationError([
      'JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE must be set when NODE_ENV=production ' +
        '(an EC P-256 or RSA private key, PEM or JWK; see README "Signing keys")',
    ]);
  }
  return undefined;
}

/** Builds the typed settings from validated variables. */
export function buildConfig(env: EnvironmentVariables): AppConfig {
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      bodyLimit: env.BODY_LIMIT,
    },
    logLevels: LOG_LEVELS[env.LOG_LEVEL],
    dataDir: resolve(env.DATA_DIR),
    database: parseDatabaseUrl(env.DATABASE_URL ?? `sqlite:${env.DATA_DIR}/portcullis.sqlite`),
    redisUrl: env.REDIS_URL,
    jwt: {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtl: env.ACCESS_TOKEN_TTL,
      privateKey: readPrivateKey(env),
    },
    sessions: {
      refreshTokenTtl: env.REFRESH_TOKEN_TTL,
      maxAge: env.SESSION_MAX_AGE,
      reuseGrace: env.REFRESH_REUSE_GRACE,
    },
    throttle: {
      limit: env.THROTTLE_LIMIT,
      ttl: env.THROTTLE_TTL,
      loginLimit: env.LOGIN_THROTTLE_LIMIT,
    },
    password: {
      minLength: env.PASSWORD_MIN_LENGTH,
      maxLength: env.PASSWORD_MAX_LENGTH,
      argon2: {
        memoryCost: env.ARGON2_MEMORY_COST,
        timeCost: env.ARGON2_TIME_COST,
        parallelism: env.ARGON2_PARALLELISM,
      },
      // One hashing process per core by default.
      maxConcurrentHashes: env.ARGON2_MAX_CONCURRENCY || availableParallelism(),
    },
  };
}

export type EnvOverrides = Record<string, string | undefined>;

/**
 * The one place that reads process.env. Values come from, lowest precedence first: the `.env` file in the working
 * directory (when present), the process environment, then `overrides` (tests).
 */
export function loadConfig(overrides: EnvOverrides = {}): AppConfig {
  const envFile = resolve('.env');
  const fromFile = existsSync(envFile) ? parseDotEnv(readFileSync(envFile)) : {};
  return buildConfig(validateEnv({ ...fromFile, ...process.env, ...overrides }));
}
