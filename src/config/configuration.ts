import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parse as parseDotEnv } from 'dotenv';
import type { ConfigSection } from './config-section';
import { ConfigValidationError } from './config-validation.error';
import { accountSection } from './sections/account.section';
import { appSection } from './sections/app.section';
import { databaseSection } from './sections/database.section';
import { httpSection } from './sections/http.section';
import { keysSection } from './sections/keys.section';
import { lockoutSection } from './sections/lockout.section';
import { loggingSection } from './sections/logging.section';
import { mailSection } from './sections/mail.section';
import { passwordsSection } from './sections/passwords.section';
import { redisSection } from './sections/redis.section';
import { sessionsSection } from './sections/sessions.section';
import { throttleSection } from './sections/throttle.section';
import { tokensSection } from './sections/tokens.section';

/** Every group of settings. The README's settings table mirrors their variables; keep the two in step. */
const SECTIONS = {
  app: appSection,
  logging: loggingSection,
  http: httpSection,
  database: databaseSection,
  redis: redisSection,
  tokens: tokensSection,
  keys: keysSection,
  sessions: sessionsSection,
  throttle: throttleSection,
  passwords: passwordsSection,
  lockout: lockoutSection,
  account: accountSection,
  mail: mailSection,
};
type Sections = typeof SECTIONS;

/** The class of every section's variables (for the test that keeps .env.example and the README in step). */
export const VARIABLE_CLASSES = Object.values(SECTIONS).map((section) => section.variables);
type AnySection = ConfigSection<object, unknown>;

export type AppConfig = { [K in keyof Sections]: ReturnType<Sections[K]['build']> };
export type { DatabaseConfig } from './sections/database.section';

export type EnvOverrides = Record<string, string | undefined>;

/** Variables whose values may hold credentials: never repeated in an error message. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_PRIVATE_KEY',
  'SMTP_URL',
  'KEY_ENCRYPTION_KEY',
]);

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => {
    const shown = error.value !== undefined && !SECRET_VARIABLES.has(error.property);
    const got = shown ? ` (got ${JSON.stringify(error.value)})` : '';
    return Object.values(error.constraints ?? {}).map((message) => `${message}${got}`);
  });
}

/** One section's variables, validated; unset or empty variables take their defaults. */
function validateSection(section: AnySection, raw: EnvOverrides, problems: string[]): object {
  const present: Record<string, string> = {};
  for (const name of Object.keys(new section.variables())) {
    const value = raw[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const variables = plainToInstance(section.variables, present);
  problems.push(
    ...describe(validateSync(variables, { forbidUnknownValues: true, stopAtFirstError: true })),
  );
  return variables;
}

/**
 * Builds the typed settings from raw environment values, in one validation pass: every bad variable of every
 * section is listed in one ConfigValidationError.
 */
export function buildConfig(raw: EnvOverrides): AppConfig {
  const problems: string[] = [];
  const entries = Object.entries(SECTIONS as Record<string, AnySection>);
  const validated = entries.map(([, section]) => validateSection(section, raw, problems));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const app = validated[0] as InstanceType<Sections['app']['variables']>;
  const http = validated[entries.findIndex(([name]) => name === 'http')] as InstanceType<
    Sections['http']['variables']
  >;
  const base = { env: app.NODE_ENV, dataDir: app.DATA_DIR, port: http.PORT };
  const config: Record<string, unknown> = {};
  entries.forEach(([name, section], index) => {
    try {
      config[name] = section.build(validated[index], base);
    } catch (error) {
      if (!(error instanceof ConfigValidationError)) throw error;
      problems.push(...error.problems);
    }
  });
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config as AppConfig;
}

/**
 * The one place that reads process.env. Values come from, lowest precedence first: the `.env` file in the working
 * directory (when present), the process environment, then `overrides` (tests).
 */
export function loadConfig(overrides: EnvOverrides = {}): AppConfig {
  const envFile = resolve('.env');
  const fromFile = existsSync(envFile) ? parseDotEnv(readFileSync(envFile)) : {};
  return buildConfig({ ...fromFile, ...process.env, ...overrides });
}
