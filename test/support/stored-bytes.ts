import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { TestApp } from './app';

/**
 * Everything the database holds, as bytes, for tests that look for a secret where it must not be: on SQLite the
 * database file and its WAL as they are on disk; on PostgreSQL the text of every row of every table.
 */
export async function storedBytes(t: TestApp): Promise<Buffer[]> {
  if (t.database.kind === 'sqlite') {
    return readdirSync(t.database.dataDir)
      .filter((name) => name.startsWith('portcullis.sqlite'))
      .map((name) => readFileSync(join(t.database.dataDir, name)));
  }
  const dataSource = t.app.get(DataSource);
  const tables = await dataSource.query<Array<{ tablename: string }>>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
  );
  const dumps: Buffer[] = [];
  for (const { tablename } of tables) {
    const rows = await dataSource.query<unknown[]>(`SELECT * FROM "${tablename}"`);
    dumps.push(Buffer.from(JSON.stringify(rows)));
  }
  return dumps;
}
