import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The first link of the text part. */
  link?: string;
  /** The token of that link (?token=). */
  token?: string;
}

/**
 * A real SMTP server in the test process, on a free port of 127.0.0.1 (plain SMTP, no authentication), that keeps
 * every message it receives, parsed. `stop()` and `start()` simulate an outage.
 */
export class MailCatcher {
  readonly messages: CaughtMail[] = [];
  private server?: SMTPServer;
  private port = 0;
  /** Answer every message with this SMTP error instead of accepting it. */
  refuseWith?: string;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}?ignoreTLS=true`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, _session, callback) => {
        if (this.refuseWith) {
          stream.resume();
          return callback(Object.assign(new Error(this.refuseWith), { responseCode: 451 }));
        }
        simpleParser(stream).then(
          (parsed) => {
            this.messages.push(toCaught(parsed));
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as { port: number }).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Messages to `to`, in arrival order. */
  to(to: string): CaughtMail[] {
    return this.messages.filter((message) => message.to === to);
  }

  /** Waits until `count` messages have reached `to` (the outbox worker sends within a second). */
  async waitFor(to: string, count = 1, timeoutMs = 10_000): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(to).length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} message(s) to ${to} within ${timeoutMs} ms; got ${this.to(to).length}: ${this.to(
            to,
          )
            .map((message) => message.subject)
            .join(' | ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return this.to(to);
  }

  /** The first message to `to` whose subject contains `subject`, once it arrives. */
  async find(to: string, subject: string, timeoutMs = 10_000): Promise<CaughtMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(to).find((message) => message.subject.includes(subject));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no message "${subject}" to ${to} within ${timeoutMs} ms; got: ${this.to(to)
            .map((message) => message.subject)
            .join(' | ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** The last message to `to`, once it arrives. */
  async last(to: string, count = 1): Promise<CaughtMail> {
    const messages = await this.waitFor(to, count);
    return messages[messages.length - 1];
  }
}

function toCaught(parsed: ParsedMail): CaughtMail {
  const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
  const text = parsed.text ?? '';
  const link = /https?:\/\/\S+/.exec(text)?.[0];
  return {
    to: to?.value[0]?.address ?? '',
    subject: parsed.subject ?? '',
    text,
    html: typeof parsed.html === 'string' ? parsed.html : '',
    link,
    token: link ? (new URL(link).searchParams.get('token') ?? undefined) : undefined,
  };
}
