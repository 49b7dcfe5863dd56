import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', format: 'json' }, stream) };
}

describe(createLogger.name, () => {
  afterEach(() => jest.useRealTimers());

  it('stamps each line with the current time as an ISO 8601 string, also within one millisecond', () => {
    jest.useFakeTimers({ now: new Date('2026-11-30T12:00:00.000Z') });
    const { lines, logger } = capture();
    logger.info('first');
    logger.info('same millisecond');
    jest.setSystemTime(new Date('2026-11-30T12:00:00.001Z'));
    logger.info('next millisecond');
    jest.setSystemTime(new Date('2027-01-01T00:00:00.000Z'));
    logger.info('much later');
    expect(lines.map((line) => [line.msg, line.time])).toEqual([
      ['first', '2026-11-30T12:00:00.000Z'],
      ['same millisecond', '2026-11-30T12:00:00.000Z'],
      ['next millisecond', '2026-11-30T12:00:00.001Z'],
      ['much later', '2027-01-01T00:00:00.000Z'],
    ]);
  });

  it('redacts secret-bearing fields wherever they appear in the first levels', () => {
    const { lines, logger } = capture();
    logger.info(
      { password: 'hunter2', body: { refreshToken: 'rt' }, a: { b: { code: '123456' } } },
      'x',
    );
    expect(lines[0]).toMatchObject({
      password: '[redacted]',
      body: { refreshToken: '[redacted]' },
      a: { b: { code: '[redacted]' } },
    });
  });
});
