import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config';
import { createLogger } from '../http/logger';

/**
 * The server's logger (level, format and redaction from the settings), writing to standard error: standard output
 * belongs to what a command prints, so that `list-users --json` can be piped. Synchronous, so that nothing is lost
 * when the process ends right after the command.
 */
export function createCliLogger(settings: AppConfig['logging']): Logger {
  const stream =
    settings.format === 'pretty'
      ? pretty({
          destination: 2,
          sync: true,
          colorize: Boolean(process.stderr.isTTY),
          translateTime: 'SYS:HH:MM:ss.l',
          messageFormat: '{if context}[{context}] {end}{msg}',
          ignore: 'pid,hostname,context',
          singleLine: true,
        })
      : pino.destination({ dest: 2, sync: true });
  return createLogger(settings, stream);
}
