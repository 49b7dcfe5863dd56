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

  it('copies the whole log into the database file on its own thread; the writing connection never does', async () => {
    const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
    for (let row = 0; row < 200; row += 1) insert.run('x'.repeat(1000));
    const written = walIndex(path);
    expect(written.frames).toBeGreaterThan(40);
    expect(written.backfilled).toBe(0);
    const onStopped = jest.fn();
    const checkpointer = new WalCheckpointer(path, onStopped);
    try {
      for (let looks = 0; looks < 500 && walIndex(path).backfilled < written.frames; looks += 1) {
        await sleep(20);
      }
      expect(walIndex(path)).toEqual({ frames: written.frames, backfilled: written.frames });
    } finally {
      await checkpointer.stop();
    }
    expect(onStopped).not.toHaveBeenCalled();
    expect(warnings).toEqual([]);
  });

  it('while writes go on without a pause long enough for a checkpoint to catch up, the log still starts over', async () => {
    // A passive checkpoint alone never catches up with these writes, and SQLite starts the log over only after
    // one that did: without the thread's RESTART the log grows by thousands of pages here and never starts over.
    const insert = writer.prepare('INSERT INTO t (body) VALUES (?)');
    const checkpointer = new WalCheckpointer(path, jest.fn());
    let restarts = 0;
    try {
      for (let row = 0, previous = 0; row < 2000; row += 1) {
        insert.run('x'.repeat(2000));
        const { frames } = walIndex(path);
        if (frames < previous) restarts += 1;
        previous = frames;
        await sleep(1);
      }
    } finally {
      await checkpointer.stop();
    }
    expect(restarts).toBeGreaterThan(0);
    expect(warnings).toEqual([]);
  });

  it('never keeps the process alive by itself', async () => {
    const keepingAlive = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort' || kind === 'Worker')
        .length;
    const before = keepingAlive();
    const checkpointer = new WalCheckpointer(path, jest.fn());
    try {
      expect(keepingAlive()).toBe(before);
    } finally {
      await checkpointer.stop();
    }
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
