'use strict';
/**
 * Checkpoints a SQLite database's write-ahead log from a thread of its own (see wal-checkpointer.ts), every
 * `intervalMs`, until the parent sends `stop`. A checkpoint copies the log's pages into the database file and syncs
 * the files, which can take tens of milliseconds; on the event loop's thread it would hold up every request.
 *
 * A PASSIVE checkpoint takes no lock that the server's readers or writers wait for, but while writes go on it may
 * never catch up with them, and SQLite starts the log over only after a checkpoint that did. So once the log holds
 * `restartFrames` pages, a RESTART checkpoint follows: it takes the write lock (the server's writes meanwhile are
 * refused as busy and tried again in pauses that leave the event loop free), copies the few pages written since the
 * PASSIVE one, and lets the next write start the log over. It waits at most `restartWaitMs` for a lock or a reader.
 * Plain JavaScript so that it runs as is from src/ (tests) and dist/.
 */
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const { path, intervalMs, restartFrames, restartWaitMs } = workerData;
const database = new Database(path, { fileMustExist: true, timeout: restartWaitMs });

/** One round: the pages in the log, and whether some could not be copied yet (a lock or a reader in the way). */
function checkpoint() {
  try {
    let [result] = database.pragma('wal_checkpoint(PASSIVE)');
    if (result.log >= restartFrames) [result] = database.pragma('wal_checkpoint(RESTART)');
    return { frames: result.log, behind: result.busy === 1 || result.checkpointed < result.log };
  } catch (error) {
    return { error: { code: String(error.code ?? 'unknown'), message: String(error.message) } };
  }
}

const timer = setInterval(() => parentPort.postMessage(checkpoint()), intervalMs);

parentPort.once('message', () => {
  clearInterval(timer);
  database.close();
  parentPort.close();
});
