import { existsSync } from 'node:fs';
import type { MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '../../src/database/migrations';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { queryRows, runCli, STACK_FRAME } from './cli-process';

/** Every migration of this build, oldest first, by the name TypeORM records. */
const NAMES = MIGRATIONS.map((migration) => (new migration() as MigrationInterface).name!);
const LAST = NAMES.at(-1)!;

const recorded = async (database: TestDatabase) =>
  (await queryRows<{ name: string }>(database, 'SELECT name FROM migrations ORDER BY id')).map(
    (row) => row.name,
  );

describe('portcullis migrate', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(() => database.drop());

  // One database through its life: each step starts where the one before left it.
  it('show, on a database that does not exist yet: every migration pending, and nothing created', async () => {
    const run = await runCli(database, ['migrate', 'show']);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      ...NAMES.map((name) => `[ ] ${name} (pending)`),
      `${NAMES.length} pending: run \`portcullis migrate run\` (the server also runs them when it starts)`,
    ]);
    expect(existsSync(database.url.slice('sqlite:'.length))).toBe(false);
  });

  it('run applies every pending migration, in order, and records them', async () => {
    const run = await runCli(database, ['migrate', 'run']);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      ...NAMES.map((name) => `applied ${name}`),
      `the database is up to date (${NAMES.length} applied now)`,
    ]);
    expect(await recorded(database)).toEqual(NAMES);
  });

  it('run again has nothing to do; show (the default action) says up to date', async () => {
    const again = await runCli(database, ['migrate', 'run']);
    expect(again.code).toBe(0);
    expect(again.lines).toEqual(['nothing to run: the database is up to date']);
    const show = await runCli(database, ['migrate']);
    expect(show.code).toBe(0);
    expect(show.lines).toEqual([
      ...NAMES.map((name) => `[x] ${name}`),
      `up to date: ${NAMES.length} applied, none pending`,
    ]);
  });

  it('revert undoes the last migration only; show lists it pending; run applies it again', async () => {
    const revert = await runCli(database, ['migrate', 'revert']);
    expect(revert.code).toBe(0);
    expect(revert.lines).toEqual([`reverted ${LAST}`]);
    expect(await recorded(database)).toEqual(NAMES.slice(0, -1));
    const show = await runCli(database, ['migrate', 'show']);
    expect(show.lines).toContain(`[ ] ${LAST} (pending)`);
    expect(show.lines.at(-1)).toMatch(/^1 pending: /);
    const run = await runCli(database, ['migrate', 'run']);
    expect(run.lines).toEqual([`applied ${LAST}`, 'the database is up to date (1 applied now)']);
    expect(await recorded(database)).toEqual(NAMES);
  });

  it('an unknown action is a usage error: one line, exit code 2, nothing changed', async () => {
    const run = await runCli(database, ['migrate', 'drop']);
    expect(run.code).toBe(2);
    expect(run.errors).toEqual([
      'portcullis: unknown migrate action "drop": use show, run or revert',
    ]);
    expect(run.stdout).toBe('');
    expect(await recorded(database)).toEqual(NAMES);
  });

  it('an unreachable database: one line that says what to do, exit code 1', async () => {
    const run = await runCli(database, ['migrate', 'show'], {
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/portcullis' },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'portcullis: PostgreSQL on 127.0.0.1:1 is unreachable (ECONNREFUSED): start it, or fix DATABASE_URL',
    ]);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
