import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { LineBatch, type LineSink } from './line-batch';

function sink(): LineSink & { writes: string[]; calls: string[] } {
  const writes: string[] = [];
  const calls: string[] = [];
  return {
    writes,
    calls,
    write: (data: string) => writes.push(data),
    flush: (callback) => {
      calls.push('flush');
      callback?.();
    },
    flushSync: () => calls.push('flushSync'),
  };
}

describe(LineBatch.name, () => {
  it('keeps lines until a batch is full, then hands them over in order, in one write', () => {
    const destination = sink();
    const batch = new LineBatch(destination, 10);
    batch.write('abcd\n');
    batch.write('efg\n');
    expect(destination.writes).toEqual([]);
    batch.write('h\n');
    expect(destination.writes).toEqual(['abcd\nefg\nh\n']);
    batch.write('i\n');
    expect(destination.writes).toEqual(['abcd\nefg\nh\n']);
  });

  it('hands a line longer than a batch over at once', () => {
    const destination = sink();
    new LineBatch(destination, 4).write('abcdef\n');
    expect(destination.writes).toEqual(['abcdef\n']);
  });

  it('hands what waits over on flush, then flushes the destination with the callback', () => {
    const destination = sink();
    const batch = new LineBatch(destination, 1000);
    batch.write('a\n');
    batch.write('b\n');
    const done = jest.fn();
    batch.flush(done);
    expect(destination.writes).toEqual(['a\nb\n']);
    expect(destination.calls).toEqual(['flush']);
    expect(done).toHaveBeenCalledTimes(1);
    batch.flush();
    expect(destination.writes).toHaveLength(1);
  });

  it('calls back on flush when the destination cannot flush', () => {
    const writes: string[] = [];
    const batch = new LineBatch({ write: (data: string) => writes.push(data) }, 1000);
    batch.write('a\n');
    const done = jest.fn();
    batch.flush(done);
    expect(writes).toEqual(['a\n']);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('hands what waits over on flushSync, then has the destination write synchronously', () => {
    const destination = sink();
    const batch = new LineBatch(destination, 1000);
    batch.write('a\n');
    batch.flushSync();
    expect(destination.writes).toEqual(['a\n']);
    expect(destination.calls).toEqual(['flushSync']);
  });

  it('writes the lines still waiting when the process exits, through pino and its own destination', () => {
    const script = `
      const pino = require('pino');
      const { LineBatch } = require(${JSON.stringify(join(__dirname, 'line-batch'))});
      const logger = pino({ base: null, timestamp: false }, new LineBatch(pino.destination({ dest: 1, sync: false }), 1 << 20));
      for (let i = 0; i < 3; i += 1) logger.info({ i }, 'waiting');
      process.exit(0);
    `;
    const child = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script],
      {
        cwd: join(__dirname, '..', '..'),
        encoding: 'utf8',
      },
    );
    expect(child.stderr).toBe('');
    expect(
      child.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { level: 30, i: 0, msg: 'waiting' },
      { level: 30, i: 1, msg: 'waiting' },
      { level: 30, i: 2, msg: 'waiting' },
    ]);
  });
});
