import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

/** Turns "3000" into 3000 and leaves anything non-numeric for @IsInt to reject with the variable's name. */
const toInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value,
  );
const trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;

/**
 * Every environment variable Portcullis reads, with its default. The README's settings table mirrors this class;
 * keep the two in step.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS) @trimmed() NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @MinLength(1) @IsString() @trimmed() HOST = '0.0.0.0';
  @Max(65535) @Min(0) @IsInt() @toInt() PORT = 3000;

  @IsString() @trimmed() DATA_DIR = 'data';
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message:
      'DATABASE_URL must look like sqlite:<path>, sqlite::memory: or postgres://user@host:port/db',
  })
  @IsString()
  @trimmed()
  DATABASE_URL?: string;
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  @IsString()
  @trimmed()
  REDIS_URL?: string;

  @MinLength(1) @IsString() @trimmed() JWT_ISSUER = 'http://localhost:3000';
  @MinLength(1) @IsString() @trimmed() JWT_AUDIENCE = 'portcullis';
  @IsOptional() @IsString() JWT_PRIVATE_KEY?: string;
  @IsOptional() @IsString() @trimmed() JWT_PRIVATE_KEY_FILE?: string;

  @Max(86400) @Min(30) @IsInt() @toInt() ACCESS_TOKEN_TTL = 900;
  @Min(60) @IsInt() @toInt() REFRESH_TOKEN_TTL = 2592000;
  @Min(60) @IsInt() @toInt() SESSION_MAX_AGE = 7776000;
  @Max(300) @Min(0) @IsInt() @toInt() REFRESH_REUSE_GRACE = 10;

  @Min(1) @IsInt() @toInt() THROTTLE_LIMIT = 300;
  @Min(1) @IsInt() @toInt() THROTTLE_TTL = 60;
  @Min(1) @IsInt() @toInt() LOGIN_THROTTLE_LIMIT = 10;
  @Matches(/^(true|false|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, {
    message:
      'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of proxy addresses/CIDRs',
  })
  @IsString()
  @trimmed()
  TRUST_PROXY = 'false';
  @Max(10 * 1024 * 1024) @Min(1024) @IsInt() @toInt() BODY_LIMIT = 16384;

  @Max(64) @Min(8) @IsInt() @toInt() PASSWORD_MIN_LENGTH = 8;
  @Max(1024) @Min(64) @IsInt() @toInt() PASSWORD_MAX_LENGTH = 128;
  @Max(4194304) @Min(8192) @IsInt() @toInt() ARGON2_MEMORY_COST = 19456;
  @Max(20) @Min(1) @IsInt() @toInt() ARGON2_TIME_COST = 2;
  @Max(16) @Min(1) @IsInt() @toInt() ARGON2_PARALLELISM = 1;
  @Max(64) @Min(0) @IsInt() @toInt() ARGON2_MAX_CONCURRENCY = 0;

  @IsIn(LOG_LEVELS) @trimmed() LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}

const OPTIONAL_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'JWT_PRIVATE_KEY', 'JWT_PRIVATE_KEY_FILE'];

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Variables whose values may hold credentials: never repeated in an error message. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL', 'JWT_PRIVATE_KEY']);

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    const shown = error.value !== undefined && !SECRET_VARIABLES.has(error.property);
    const got = shown ? ` (got ${JSON.stringify(error.value)})` : '';
    return Object.values(error.constraints ?? {}).map((message) => `${message}${got}`);
  });
}

/** Validates raw environment values; unset or empty variables take their defaults. */
export function validateEnv(raw: Record<string, string | undefined>): EnvironmentVariables {
  const present: Record<string, string> = {};
  for (const name of [...Object.keys(new EnvironmentVariables()), ...OPTIONAL_VARIABLES]) {
    const value = raw[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const env = plainToInstance(EnvironmentVariables, present);
  const errors = validateSync(env, { forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return env;
}
