import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { walIndex } from '../../test/support/faults';
import { WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  let dir: string;
  let path: string;
  let writer: Database.Database;
  const warnings: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-wal-'));
    path = join(dir, 'test.sqlite');
    writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    warnings.length = 0;
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
  });

  afterEach(() => {
    jest.restoreAllMocks();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the whole log into the database file on its own thread, while the writer goes on', async () => {
    const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
    for (let row = 0; row < 200; row += 1) insert.run('x'.repeat(1000));
    const written = walIndex(path);
    // The writer never checkpoints: every frame of the log is still only in the log.
    expect(written.frames).toBeGreaterThan(40);
    expect(written.backfilled).toBe(0);
    const onStopped = jest.fn();
    const checkpointer = new WalCheckpointer(path, onStopped);
    try {
      while (walIndex(path).backfilled < written.frames) await sleep(20);
      expect(walIndex(path)).toEqual({ frames: written.frames, backfilled: written.frames });
      insert.run('after the checkpoint');
      expect(writer.prepare('SELECT count(*) AS rows FROM t').get()).toEqual({ rows: 201 });
    } finally {
      await checkpointer.stop();
    }
    expect(onStopped).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
  });

  it('a database it cannot open: the thread stops, says so, and hands checkpoints back', async () => {
    let stopped!: () => void;
    const handedBack = new Promise<void>((done) => (stopped = done));
    const checkpointer = new WalCheckpointer(join(dir, 'missing.sqlite'), () => stopped());
    await handedBack;
    await checkpointer.stop();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^the WAL checkpoint thread stopped \(.+\); SQLite checkpoints on commit again$/,
      ),
    ]);
  });
});
