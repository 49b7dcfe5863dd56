import { readFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { isSqliteBusy } from '../../src/database/storage-errors';
import { TransactionRunner } from '../../src/database/transaction-runner';
import type { TestApp } from './app';

/** Makes the app's database refuse writes, as a read-only file or a read-only PostgreSQL would. */
export async function makeReadOnly(t: TestApp, readOnly: boolean): Promise<void> {
  const dataSource = t.app.get(DataSource);
  if (t.database.kind === 'sqlite') {
    await dataSource.query(`PRAGMA query_only = ${readOnly ? 'ON' : 'OFF'}`);
    return;
  }
  const name = new URL(t.database.url).pathname.slice(1);
  const admin = new Client({ connectionString: t.database.url });
  await admin.connect();
  try {
    // This session itself may have started read-only (the database default set earlier).
    await admin.query('SET default_transaction_read_only = off');
    await admin.query(`ALTER DATABASE ${name} SET default_transaction_read_only = ${readOnly}`);
    // Open connections keep their setting: end them, so that the pool opens new ones.
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
  } finally {
    await admin.end();
  }
}

/** Holds an exclusive write lock on the SQLite file from a second connection, until `release`. */
export async function lockSqlite(path: string): Promise<{ release(): Promise<void> }> {
  // Not SQLite's own busy wait: it would stop this process, and with it the application the test runs, whose
  // transaction in progress could then never end.
  const db = new Database(path, { timeout: 0 });
  for (let attempt = 1; ; attempt += 1) {
    try {
      db.exec('BEGIN EXCLUSIVE');
      break;
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= 500) {
        db.close();
        throw error;
      }
      await sleep(10);
    }
  }
  return {
    release: () => {
      db.exec('ROLLBACK');
      db.close();
      return Promise.resolve();
    },
  };
}

/**
 * Caps the SQLite file at its current size, so that the next insert finds the disk full. The cap is a setting of
 * each connection: it is set on both, the main one and the one transactions run on.
 */
export async function fillSqlite(t: TestApp, full: boolean): Promise<void> {
  const dataSource = t.app.get(DataSource);
  const [{ page_count: pages }] =
    await dataSource.query<Array<{ page_count: number }>>('PRAGMA page_count');
  const cap = `PRAGMA max_page_count = ${full ? pages : 1073741823}`;
  await dataSource.query(cap);
  await t.app.get(TransactionRunner).run((manager) => manager.query(cap));
}

/**
 * The wal-index header in a SQLite database's `-shm` file (https://www.sqlite.org/walformat.html; native byte
 * order, read as little-endian as on x86-64 and arm64): the frames in the write-ahead log (mxFrame) and how many
 * of them a checkpoint has copied into the database file (nBackfill). Read from the file, so that looking does not
 * checkpoint.
 */
export function walIndex(databasePath: string): { frames: number; backfilled: number } {
  const header = readFileSync(`${databasePath}-shm`);
  return { frames: header.readUInt32LE(16), backfilled: header.readUInt32LE(96) };
}

/**
 * A TCP proxy in front of PostgreSQL that a test can cut, as a network failure or a server restart would: every
 * open connection is destroyed and new ones are refused until `restore`.
 */
export async function postgresProxy(target: URL): Promise<{
  url: string;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.toString(),
    cut: () => {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      open = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
