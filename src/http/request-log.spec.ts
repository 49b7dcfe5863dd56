import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger } from './logger';
import { requestLineWriter } from './request-log';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

const figures = {
  reqId: '2f1c3f5e-6c1e-4b8e-9d55-0d8c1a1f2b3c',
  method: 'GET',
  route: '/users/me',
  status: 200,
  ms: 0.4,
  userId: '490ac3b0-69a5-43a8-97ae-c8824e1c7da6',
};

describe(requestLineWriter.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T08:00:00.000Z') }));
  afterEach(() => jest.useRealTimers());

  it('writes the very line pino writes for the same fields, byte for byte', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'info', format: 'json' }, stream);
    const write = requestLineWriter(logger);
    for (const sample of [figures, { ...figures, userId: undefined, status: 404, ms: 12 }]) {
      write(sample);
      logger.info(sample, 'request');
    }
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(lines[1]);
    expect(lines[2]).toBe(lines[3]);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', msg: 'request', ...figures });
    expect(JSON.parse(lines[2])).not.toHaveProperty('userId');
  });

  it('escapes what a client chose: an unknown path with quotes, backslashes and control characters', () => {
    const { lines, stream } = capture();
    const write = requestLineWriter(createLogger({ level: 'info', format: 'json' }, stream));
    const route = '/x"y\\z\n\u0000\u2028';
    write({ ...figures, route });
    expect((JSON.parse(lines[0]) as { route: string }).route).toBe(route);
  });

  it('goes through pino for a destination that wants its metadata (a multistream)', () => {
    const { lines, stream } = capture();
    const logger = pino({ level: 'info' }, pino.multistream([{ stream }]));
    requestLineWriter(logger)(figures);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, msg: 'request', ...figures });
  });
});
