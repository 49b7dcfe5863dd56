import { resolve } from 'node:path';
import { IsOptional, IsString, Matches } from 'class-validator';
import { defineSection } from '../config-section';
import { trimmed } from '../env-transforms';

export type DatabaseConfig =
  { kind: 'sqlite'; url: string; path: string } | { kind: 'postgres'; url: string };

export class DatabaseVariables {
  @IsOptional()
  @Matches(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, {
    message:
      'DATABASE_URL must look like sqlite:<path>, sqlite::memory: or postgres://user@host:port/db',
  })
  @IsString()
  @trimmed()
  DATABASE_URL?: string;
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    return { kind: 'sqlite', url, path: path === ':memory:' ? path : resolve(path) };
  }
  return { kind: 'postgres', url };
}

export const databaseSection = defineSection({
  variables: DatabaseVariables,
  build: (env, { dataDir }) =>
    parseDatabaseUrl(env.DATABASE_URL ?? `sqlite:${dataDir}/portcullis.sqlite`),
});
