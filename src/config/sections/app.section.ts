import { resolve } from 'node:path';
import type { LogLevel } from '@nestjs/common';
import { IsIn, IsString } from 'class-validator';
import { defineSection } from '../config-section';
import { trimmed } from '../env-transforms';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;

const NEST_LOG_LEVELS: Record<(typeof LOG_LEVELS)[number], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

export class AppVariables {
  @IsIn(NODE_ENVS) @trimmed() NODE_ENV: (typeof NODE_ENVS)[number] = 'development';
  @IsString() @trimmed() DATA_DIR = 'data';
  @IsIn(LOG_LEVELS) @trimmed() LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';
}

export const appSection = defineSection({
  variables: AppVariables,
  build: (env) => ({
    env: env.NODE_ENV,
    dataDir: resolve(env.DATA_DIR),
    logLevels: NEST_LOG_LEVELS[env.LOG_LEVEL],
  }),
});
