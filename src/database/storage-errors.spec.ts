import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source.options';
import { isSqliteBusy, isStorageUnavailable, primarySqliteCode } from './storage-errors';
import { isUniqueViolation } from './unique-violation';

/** The error a statement of the data source raises, as TypeORM hands it on. */
async function failureOf(dataSource: DataSource, sql: string): Promise<unknown> {
  try {
    await dataSource.query(sql);
  } catch (error) {
    return error;
  }
  throw new Error(`${sql} did not fail`);
}

describe('SQLite errors, as better-sqlite3 reports them (extended result codes)', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-errors-'));
    const path = join(dir, 'test.sqlite');
    dataSource = new DataSource(
      buildDataSourceOptions({ kind: 'sqlite', url: `sqlite:${path}`, path }),
    );
    await dataSource.initialize();
    await dataSource.query('PRAGMA busy_timeout = 0');
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, email VARCHAR UNIQUE)');
    await dataSource.query("INSERT INTO t (email) VALUES ('a@example.com')");
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reduces an extended code to its primary code, and leaves others alone', () => {
    expect(primarySqliteCode('SQLITE_CONSTRAINT_UNIQUE')).toBe('SQLITE_CONSTRAINT');
    expect(primarySqliteCode('SQLITE_IOERR_SHORT_READ')).toBe('SQLITE_IOERR');
    expect(primarySqliteCode('SQLITE_BUSY')).toBe('SQLITE_BUSY');
    expect(primarySqliteCode('23505')).toBe('23505');
  });

  it('a duplicate is a unique violation (SQLITE_CONSTRAINT_UNIQUE), not an outage', async () => {
    const error = await failureOf(dataSource, "INSERT INTO t (email) VALUES ('a@example.com')");
    expect((error as { code?: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(isUniqueViolation(error)).toBe(true);
    expect(isStorageUnavailable(error)).toBe(false);
    expect(isSqliteBusy(error)).toBe(false);
  });

  it('a write the database refuses for now (SQLITE_READONLY, SQLITE_FULL) is an outage', async () => {
    await dataSource.query('PRAGMA query_only = ON');
    const readOnly = await failureOf(dataSource, "INSERT INTO t (email) VALUES ('b@example.com')");
    await dataSource.query('PRAGMA query_only = OFF');
    expect(primarySqliteCode((readOnly as { code: string }).code)).toBe('SQLITE_READONLY');
    expect(isStorageUnavailable(readOnly)).toBe(true);

    const [{ page_count: pages }] =
      await dataSource.query<Array<{ page_count: number }>>('PRAGMA page_count');
    await dataSource.query(`PRAGMA max_page_count = ${pages}`);
    const full = await failureOf(
      dataSource,
      'INSERT INTO t (email) SELECT hex(randomblob(4000)) FROM t',
    );
    await dataSource.query('PRAGMA max_page_count = 1073741823');
    expect((full as { code?: string }).code).toBe('SQLITE_FULL');
    expect(isStorageUnavailable(full)).toBe(true);
    expect(isUniqueViolation(full)).toBe(false);
  });

  it('a file locked by another connection is busy, and an outage', async () => {
    const other = new Database(join(dir, 'test.sqlite'));
    other.exec('BEGIN EXCLUSIVE');
    try {
      const error = await failureOf(dataSource, "INSERT INTO t (email) VALUES ('c@example.com')");
      expect(isSqliteBusy(error)).toBe(true);
      expect(isStorageUnavailable(error)).toBe(true);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });
});
