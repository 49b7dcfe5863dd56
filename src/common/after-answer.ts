import { Injectable, Logger } from '@nestjs/common';

/**
 * Work a route does after its answer: the password-reset and verification-resend routes answer 202 at once, the
 * same for every address, and look the address up and queue its mail only then, so that the answer's timing says
 * nothing about the account. The server waits for this work when it stops, once the last request is answered and
 * before the database closes (app.setup.ts), so an accepted request still gets its mail; tests wait for it with
 * `settled()` before they count rows.
 */
@Injectable()
export class AfterAnswer {
  private readonly logger = new Logger(AfterAnswer.name);
  private readonly running = new Set<Promise<void>>();

  /** Starts `work` once the current answer is on its way; a failure is logged as `<what> failed: <message>`. */
  run(what: string, work: () => Promise<void>): void {
    const task: Promise<void> = new Promise<void>((answered) => setImmediate(answered))
      .then(work)
      .catch((error: unknown) => this.logger.error(`${what} failed: ${(error as Error).message}`))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once the work started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }
}
