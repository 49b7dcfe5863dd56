import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { createTransport } from 'nodemailer';

/** How long a probe waits for a server before it reports it unreachable. */
export const PROBE_TIMEOUT_MS = 3000;

/** `host:port` of a URL, the scheme's port when it has none: never its credentials. */
export function endpointOf(url: string, defaultPort: number): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || defaultPort}`;
}

/**
 * Connects to the SMTP server of `SMTP_URL` as the outbox worker would (STARTTLS, credentials) and says hello,
 * without sending anything (nodemailer's verify), within a short timeout.
 */
export async function verifySmtp(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const withTimeouts = new URL(url);
  for (const name of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    withTimeouts.searchParams.set(name, String(timeoutMs));
  }
  const transporter = createTransport(withTimeouts.toString());
  try {
    await transporter.verify();
  } finally {
    transporter.close();
  }
}

/** One RESP command: an array of bulk strings, safe for any password. */
const resp = (...words: string[]) =>
  `*${words.length}\r\n${words.map((word) => `$${Buffer.byteLength(word)}\r\n${word}\r\n`).join('')}`;

/**
 * Asks the Redis server of `REDIS_URL` for `PING` over a plain TCP (or TLS, for rediss://) connection, after `AUTH`
 * when the URL carries credentials, and expects `+PONG`, within a short timeout. No client library: there is no Redis
 * client among the dependencies yet.
 */
export function pingRedis(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const parsed = new URL(url);
  const host = parsed.hostname;
  const port = Number(parsed.port || 6379);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const commands: Array<{ send: string; expect: string }> = [];
  if (password) {
    commands.push({ send: resp('AUTH', ...(user ? [user] : []), password), expect: '+OK' });
  }
  commands.push({ send: resp('PING'), expect: '+PONG' });
  return new Promise((resolve, reject) => {
    const socket: Socket =
      parsed.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp({ host, port });
    let buffered = '';
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer within ${timeoutMs / 1000} s`)));
    socket.once('error', (error) => done(error));
    socket.once(parsed.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => {
      socket.write(commands.map((command) => command.send).join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      while (buffered.includes('\r\n') && commands.length > 0) {
        const end = buffered.indexOf('\r\n');
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const expected = commands.shift()!.expect;
        if (line !== expected) {
          done(new Error(`answered ${JSON.stringify(line.slice(0, 120))} instead of ${expected}`));
          return;
        }
      }
      if (commands.length === 0) done();
    });
    socket.once('end', () => done(new Error('closed the connection without answering')));
  });
}
