import { IsIn, IsOptional } from 'class-validator';
import { defineSection } from '../config-section';
import { trimmed } from '../env-transforms';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;

export class LoggingVariables {
  @IsIn(LOG_LEVELS) @trimmed() LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
  @IsOptional() @IsIn(LOG_FORMATS) @trimmed() LOG_FORMAT?: (typeof LOG_FORMATS)[number];
}

/** pino's name for each level of LOG_LEVEL. */
const PINO_LEVELS = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  verbose: 'trace',
} as const;

export const loggingSection = defineSection({
  variables: LoggingVariables,
  build: (env, { env: nodeEnv }) => ({
    level: PINO_LEVELS[env.LOG_LEVEL],
    // JSON lines for log collectors in production; readable lines in a terminal otherwise.
    format: env.LOG_FORMAT ?? (nodeEnv === 'production' ? 'json' : 'pretty'),
  }),
});
