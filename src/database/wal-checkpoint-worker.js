'use strict';
/**
 * Checkpoints a SQLite database's write-ahead log from a thread of its own (see wal-checkpointer.ts), every
 * `intervalMs`, until the parent sends `stop`. A checkpoint copies the log's pages into the database file and syncs
 * both, which can take tens of milliseconds; on the event loop's thread it would hold up every request. PASSIVE
 * never waits for the server's readers or writers. Plain JavaScript so that it runs as is from src/ (tests) and
 * dist/.
 */
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const database = new Database(workerData.path, { fileMustExist: true, timeout: 0 });

/** One PASSIVE checkpoint: nothing to say, or what went wrong. */
function checkpoint() {
  try {
    database.pragma('wal_checkpoint(PASSIVE)');
    return {};
  } catch (error) {
    return { error: { code: String(error.code ?? 'unknown'), message: String(error.message) } };
  }
}

const timer = setInterval(() => parentPort.postMessage(checkpoint()), workerData.intervalMs);

parentPort.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
