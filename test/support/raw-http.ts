import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawOptions {
  /** Keep the connection open after sending, as a client that stalls (default: half-close it). */
  stall?: boolean;
  /** Destroy the connection after this many milliseconds, as a client that gives up mid-request. */
  abortAfterMs?: number;
}

/**
 * Sends bytes exactly as given on a new TCP connection (no client library normalises the path or fixes the
 * framing), and answers the first response once the server closes the connection.
 */
export function rawRequest(
  url: string,
  text: string,
  options: RawOptions = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      if (chunks.length === 0 && options.abortAfterMs === undefined) reject(error);
    });
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = raw.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(text);
    if (options.abortAfterMs !== undefined) {
      setTimeout(() => socket.destroy(), options.abortAfterMs);
    } else if (!options.stall) {
      socket.end();
    }
  });
}

/** An HTTP/1.1 request as text: the request line and headers, then the body. */
export const requestText = (lines: string[], body = '') => `${lines.join('\r\n')}\r\n\r\n${body}`;
