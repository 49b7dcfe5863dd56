import type { DestinationStream } from 'pino';

/** What a LineBatch hands its lines to: pino's asynchronous destination (sonic-boom) or any stream alike. */
export interface LineSink {
  write(data: string): unknown;
  flush?(callback?: (error?: Error) => void): void;
  flushSync?(): void;
}

/** Every batch of the process, emptied synchronously when it exits. */
const open = new Set<LineBatch>();

process.on('exit', () => {
  for (const batch of open) {
    try {
      batch.flushSync();
    } catch {
      // The destination is gone (closed, or never opened): the lines have nowhere to go.
    }
  }
});

/**
 * Gathers log lines and hands them to the destination a batch at a time. sonic-boom measures the UTF-8 length of
 * everything it still holds on each write, so with lines waiting a line cost a few microseconds; here a line costs
 * an array push and a write happens per `batchLength` characters. Lines are handed over when a batch is full, on
 * `flush()` (the logger calls it every second) and `flushSync()`, and when the process exits.
 */
export class LineBatch implements DestinationStream {
  private lines: string[] = [];
  private length = 0;

  constructor(
    private readonly destination: LineSink,
    private readonly batchLength: number,
  ) {
    open.add(this);
  }

  write(line: string): void {
    this.lines.push(line);
    this.length += line.length;
    if (this.length >= this.batchLength) this.handOver();
  }

  /** Hands the waiting lines over; `callback` runs once the destination has written them (pino's `logger.flush`). */
  flush(callback?: (error?: Error) => void): void {
    this.handOver();
    if (this.destination.flush) this.destination.flush(callback);
    else callback?.();
  }

  /** Hands the waiting lines over and has the destination write everything it holds before returning. */
  flushSync(): void {
    this.handOver();
    this.destination.flushSync?.();
  }

  private handOver(): void {
    if (this.lines.length === 0) return;
    const data = this.lines.join('');
    this.lines = [];
    this.length = 0;
    this.destination.write(data);
  }
}
