import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { cacheStatements } from './sqlite-statement-cache';

type Rows = Array<Record<string, unknown>>;

const open = (file: string) =>
  new Promise<sqlite3.Database>((resolve, reject) => {
    const database = new sqlite3.Database(file, (error) =>
      error ? reject(error) : resolve(database),
    );
  });

const all = (database: sqlite3.Database, sql: string, values: unknown[] = []) =>
  new Promise<Rows>((resolve, reject) =>
    database.all(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as Rows))),
  );

const run = (database: sqlite3.Database, sql: string, values: unknown[] = []) =>
  new Promise<{ lastID: number; changes: number }>((resolve, reject) =>
    database.run(sql, values, function (error) {
      if (error) reject(error);
      else resolve({ lastID: this.lastID, changes: this.changes });
    }),
  );

const close = (database: sqlite3.Database) =>
  new Promise<void>((resolve, reject) =>
    database.close((error) => (error ? reject(error) : resolve())),
  );

describe('cacheStatements', () => {
  let folder: string;
  let file: string;
  let database: sqlite3.Database;
  let cache: { kept(): string[] };
  const others: sqlite3.Database[] = [];

  /** A second connection to the same file, as the transaction runner opens: it must never wait for this one. */
  const other = async () => {
    const connection = await open(file);
    others.push(connection);
    return connection;
  };

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'portcullis-statements-'));
    file = join(folder, 'test.sqlite');
    database = await open(file);
    await all(database, 'PRAGMA journal_mode = WAL');
    await run(database, 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
    cache = cacheStatements(database, 3);
  });

  afterEach(async () => {
    for (const connection of others.splice(0)) await close(connection);
    await close(database).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps one statement per query and answers each call with its own values', async () => {
    await run(database, 'INSERT INTO items (name) VALUES (?)', ['a']);
    await run(database, 'INSERT INTO items (name) VALUES (?)', ['b']);
    expect(cache.kept()).toEqual(['INSERT INTO items (name) VALUES (?)']);

    const select = 'SELECT id, name FROM items WHERE name = ?';
    expect(await all(database, select, ['a'])).toEqual([{ id: 1, name: 'a' }]);
    expect(await all(database, select, ['b'])).toEqual([{ id: 2, name: 'b' }]);
    expect(await all(database, select, ['c'])).toEqual([]);
    expect(cache.kept()).toEqual(['INSERT INTO items (name) VALUES (?)', select]);
  });

  it('reports lastID and changes of a kept write', async () => {
    const insert = 'INSERT INTO items (name) VALUES (?)';
    expect(await run(database, insert, ['a'])).toEqual({ lastID: 1, changes: 1 });
    expect(await run(database, insert, ['b'])).toEqual({ lastID: 2, changes: 1 });
    const rename = 'UPDATE items SET name = name || ? WHERE id >= ?';
    expect((await run(database, rename, ['!', 1])).changes).toBe(2);
    expect((await run(database, rename, ['!', 2])).changes).toBe(1);
  });

  it('holds no lock after a kept read: another connection can write and checkpoint the whole log', async () => {
    await run(database, 'INSERT INTO items (name) VALUES (?)', ['a']);
    expect(await all(database, 'SELECT name FROM items WHERE id = ?', [1])).toEqual([
      { name: 'a' },
    ]);
    expect(cache.kept()).toHaveLength(2);

    const writer = await other();
    await run(writer, 'INSERT INTO items (name) VALUES (?)', ['b']);
    // A reader still inside its read transaction would keep the checkpoint from resetting the log: busy = 1.
    expect(await all(writer, 'PRAGMA wal_checkpoint(TRUNCATE)')).toEqual([
      { busy: 0, log: 0, checkpointed: 0 },
    ]);
  });

  it('never keeps a run that answers rows (RETURNING, a PRAGMA): it would hold its lock', async () => {
    await run(database, 'INSERT INTO items (name) VALUES (?) RETURNING id', ['a']);
    await run(database, 'PRAGMA user_version = 7');
    expect(cache.kept()).toEqual([]);

    // Kept after one step, the INSERT … RETURNING would still hold the write lock here.
    const writer = await other();
    await expect(run(writer, 'INSERT INTO items (name) VALUES (?)', ['b'])).resolves.toEqual({
      lastID: 2,
      changes: 1,
    });
  });

  it('never keeps an EXPLAIN: left unreset it would keep the next write from committing', async () => {
    const insert = 'INSERT INTO items (name) VALUES (?)';
    await run(database, insert, ['a']);
    await all(database, `EXPLAIN QUERY PLAN ${insert}`, ['x']);
    expect(cache.kept()).toEqual([insert]);
    await run(database, insert, ['b']);
    // Committed: another connection sees the row and takes the write lock at once.
    const writer = await other();
    expect(await all(writer, 'SELECT name FROM items ORDER BY id')).toEqual([
      { name: 'a' },
      { name: 'b' },
    ]);
    await expect(all(writer, 'BEGIN IMMEDIATE')).resolves.toEqual([]);
    await all(writer, 'ROLLBACK');
  });

  it('answers a query SQLite refuses with its error, once, and keeps nothing', async () => {
    const callback = jest.fn();
    await new Promise<void>((resolve) =>
      database.all('SELECT * FROM missing', [], (error) => {
        callback(error);
        resolve();
      }),
    );
    // Any second answer would come with the next turns of the I/O pool.
    await all(database, 'SELECT 1 AS one');
    expect(callback).toHaveBeenCalledTimes(1);
    expect(String(callback.mock.calls[0][0])).toContain('no such table: missing');
    expect(cache.kept()).toEqual(['SELECT 1 AS one']);
    await expect(all(database, 'SELECT * FROM missing')).rejects.toThrow('no such table');
  });

  it('answers an error of a kept statement and runs the next call as usual', async () => {
    const insert = 'INSERT INTO items (name) VALUES (?)';
    await run(database, insert, ['a']);
    await expect(run(database, insert, ['a'])).rejects.toThrow('UNIQUE constraint failed');
    expect(await run(database, insert, ['b'])).toEqual({ lastID: 2, changes: 1 });
  });

  it('lets go of what a failed statement held: a write refused as busy keeps no read transaction open', async () => {
    const insert = 'INSERT INTO items (name) VALUES (?)';
    await run(database, insert, ['a']);
    const writer = await other();
    await all(writer, 'BEGIN IMMEDIATE');
    // No busy timeout on this connection: the kept insert fails at once, after taking its read snapshot.
    await expect(run(database, insert, ['b'])).rejects.toThrow('SQLITE_BUSY');
    await all(writer, 'COMMIT');
    expect(cache.kept()).toEqual([insert]);
    // Left as it failed, the statement would keep its snapshot: the log could never be reset (busy = 1).
    let checkpoint: Rows = [];
    for (let attempt = 0; attempt < 50; attempt += 1) {
      checkpoint = await all(writer, 'PRAGMA wal_checkpoint(TRUNCATE)');
      if (checkpoint[0].busy === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(checkpoint).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    expect(await run(database, insert, ['b'])).toEqual({ lastID: 2, changes: 1 });
  });

  it('answers every caller of a new query at once and keeps one statement for it', async () => {
    const select = 'SELECT count(*) AS n FROM items WHERE id > ?';
    const answers = await Promise.all([0, 1, 2, 3].map((value) => all(database, select, [value])));
    expect(answers).toEqual([0, 1, 2, 3].map(() => [{ n: 0 }]));
    expect(cache.kept()).toEqual([select]);
  });

  it('finalizes the least recently used statement beyond its size and prepares it again when asked', async () => {
    await all(database, 'SELECT 1 AS n');
    await all(database, 'SELECT 2 AS n');
    await all(database, 'SELECT 1 AS n');
    await all(database, 'SELECT 3 AS n');
    expect(cache.kept()).toEqual(['SELECT 2 AS n', 'SELECT 1 AS n', 'SELECT 3 AS n']);
    // The fourth drops the least recently used: SELECT 2, not SELECT 1 (used again since).
    await all(database, 'SELECT 4 AS n');
    expect(cache.kept()).toEqual(['SELECT 1 AS n', 'SELECT 3 AS n', 'SELECT 4 AS n']);
    expect(await all(database, 'SELECT 2 AS n')).toEqual([{ n: 2 }]);
    expect(cache.kept()).toEqual(['SELECT 3 AS n', 'SELECT 4 AS n', 'SELECT 2 AS n']);
  });

  it('closes the connection with statements kept, finalizing them first', async () => {
    await run(database, 'INSERT INTO items (name) VALUES (?)', ['a']);
    await all(database, 'SELECT * FROM items');
    expect(cache.kept()).toHaveLength(2);
    await expect(close(database)).resolves.toBeUndefined();
    expect(cache.kept()).toEqual([]);
  });
});
