import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config';
import { LineBatch } from './line-batch';

/** Fields that may hold a secret: redacted wherever they appear in the first three levels of a logged object. */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'secret',
  'code',
  'recoveryCode',
  'authorization',
  'cookie',
];

export const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
];

/**
 * The process's pino logger: JSON lines (LOG_FORMAT=json) or readable lines (pretty), at LOG_LEVEL, with every
 * secret-bearing field redacted by configuration, whoever logs it.
 */
export function createLogger(settings: AppConfig['logging'], stream?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: isoTimeOncePerMillisecond(),
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (stream) return pino(options, stream);
  if (settings.format === 'pretty') {
    return pino(
      options,
      pretty({
        colorize: Boolean(process.stdout.isTTY),
        translateTime: 'SYS:HH:MM:ss.l',
        // One line per entry: the context in front, a request's figures after its message.
        messageFormat:
          '{if context}[{context}] {end}{msg}{if method} {method} {route} -> {status} in {ms} ms{end}{if userId} user {userId}{end}',
        ignore: 'pid,hostname,context,method,route,status,ms,reqId,userId',
        singleLine: true,
        sync: true,
      }),
    );
  }
  // Lines are gathered and handed to the destination 32 kB at a time (or after a second at most): a write per
  // line cost more than building it. The destination writes what it is handed as soon as its previous write is
  // done. Lines still waiting are written when the process exits.
  const batch = new LineBatch(pino.destination({ dest: 1, sync: false }), BATCH_LENGTH);
  setInterval(() => batch.flush(), FLUSH_INTERVAL_MS).unref();
  return pino(options, batch);
}

/** The characters of JSON log lines handed to the destination in one write. */
const BATCH_LENGTH = 32 * 1024;

/** The longest a JSON log line waits in the buffer before it is written. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * pino's `isoTime`, built once per millisecond: at thousands of lines a second, formatting the date was a tenth of
 * the cost of a request's log line.
 */
function isoTimeOncePerMillisecond(): () => string {
  let lastMs = -1;
  let field = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      field = `,"time":"${new Date(now).toISOString()}"`;
    }
    return field;
  };
}

/**
 * Nest's own chatter that is only useful when debugging: module loading, route mapping, and the start-up error
 * report (main.ts prints one line of its own instead).
 */
const QUIET_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'ExceptionHandler',
]);

/** Nest's LoggerService on pino: `context` becomes a field, Nest's start-up chatter goes to debug. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const context = typeof rest.at(-1) === 'string' && rest.length > 0 ? rest.at(-1) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.emit('error', context as string | undefined, message, stack);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    this.emit(level, context, message);
  }

  private emit(level: pino.Level, context: string | undefined, message: unknown, stack?: string) {
    const effective = context && QUIET_CONTEXTS.has(context) ? 'debug' : level;
    if (!this.logger.isLevelEnabled(effective)) return;
    if (message instanceof Error) {
      this.logger[effective]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[effective]({ context, ...message });
    } else {
      this.logger[effective]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
