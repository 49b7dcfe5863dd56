import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigValidationError } from './config-validation.error';

/** Kernel and device file systems: files there are not storage (writes fail, or block forever on a FIFO). */
const PSEUDO_FILE_SYSTEMS = ['/proc', '/sys', '/dev'];

const underPseudoFileSystem = (path: string) =>
  PSEUDO_FILE_SYSTEMS.some((root) => path === root || path.startsWith(`${root}/`));

/** The path itself if it exists, else its nearest existing ancestor. */
function nearestExisting(path: string): string {
  let current = path;
  while (dirname(current) !== current) {
    try {
      statSync(current);
      return current;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return current;
      current = dirname(current);
    }
  }
  return current;
}

/**
 * DATA_DIR as an absolute path, after checking (without changing anything) that it is, or can be created as, a
 * folder this process can write, and that it is not under /proc, /sys or /dev. Each problem stops start-up with a
 * message that says what to do. The folder itself is created by whoever first writes into it.
 */
export function checkDataDir(given: string): string {
  const path = resolve(given);
  const fail = (problem: string): never => {
    throw new ConfigValidationError([
      `DATA_DIR ${problem} (${path}); point DATA_DIR at a writable folder (it holds the SQLite file and the development key)`,
    ]);
  };
  const existing = nearestExisting(path);
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    // Reported below by statSync.
  }
  if (underPseudoFileSystem(path) || underPseudoFileSystem(real)) {
    fail('is on a kernel or device file system, not storage');
  }
  let isFolder = false;
  try {
    isFolder = statSync(existing).isDirectory();
  } catch (error) {
    fail(`cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  if (!isFolder) {
    fail(
      existing === path ? 'exists but is not a folder' : `cannot be created: ${existing} is a file`,
    );
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    fail(
      existing === path ? 'is not writable by this process' : `cannot be created in ${existing}`,
    );
  }
  return path;
}
