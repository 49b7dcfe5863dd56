import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A database for one suite: a fresh SQLite file by default, or a fresh PostgreSQL database when
 * TEST_DATABASE_URL points at a server (npm run test:pg). Dropped afterwards.
 */
export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

export const postgresServerUrl = (): string | undefined =>
  process.env.TEST_DATABASE_URL || undefined;

/** `kind` forces one kind of database whatever the run (a suite about SQLite's own faults, say). */
export async function createTestDatabase(kind?: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const server = kind === 'sqlite' ? undefined : postgresServerUrl();
  if (!server) {
    return {
      kind: 'sqlite',
      url: `sqlite:${join(dataDir, 'portcullis.sqlite')}`,
      dataDir,
      drop: async () => removeDataDir(),
    };
  }
  const name = `portcullis_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    dataDir,
    drop: async () => {
      const client = new Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      removeDataDir();
    },
  };
}
