import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runCli, STACK_FRAME } from './cli-process';

const COMMANDS = [
  'create-admin',
  'set-roles',
  'disable-user',
  'enable-user',
  'revoke-sessions',
  'list-users',
  'migrate',
  'doctor',
];

describe('the portcullis command line', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(() => database.drop());

  it('--help lists every command, exit code 0, without opening the database', async () => {
    const run = await runCli(database, ['--help']);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe('Usage: portcullis [options] [command]');
    const listed = run.lines.map((line) => /^ {2}([a-z-]+) /.exec(line)?.[1]).filter(Boolean);
    expect(listed).toEqual(expect.arrayContaining(COMMANDS));
    expect(run.stderr).toBe('');
    expect(existsSync(join(database.dataDir, 'portcullis.sqlite'))).toBe(false);
  });

  it("help <command> shows that command's usage, exit code 0", async () => {
    const run = await runCli(database, ['help', 'set-roles']);
    expect(run.code).toBe(0);
    expect(run.lines[0]).toBe('Usage: portcullis set-roles [options] <user> <roles...>');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    const run = await runCli(database, ['--version']);
    expect({ code: run.code, lines: run.lines }).toEqual({ code: 0, lines: [version] });
  });

  it.each([
    [[], /^Usage: portcullis /],
    [['frobnicate'], /^portcullis: unknown command 'frobnicate' \(see: portcullis --help\)$/],
    [
      ['create-admin'],
      /^portcullis: missing required argument 'email' \(see: portcullis create-admin --help\)$/,
    ],
    [
      ['set-roles', 'ada@example.com'],
      /^portcullis: missing required argument 'roles' \(see: portcullis set-roles --help\)$/,
    ],
    [
      ['disable-user', 'a@example.com', 'b@example.com'],
      /^portcullis: too many arguments for 'disable-user'\. Expected 1 argument but got 2\. \(see: portcullis disable-user --help\)$/,
    ],
    [
      ['list-users', '--everything'],
      /^portcullis: unknown option '--everything' \(see: portcullis list-users --help\)$/,
    ],
  ])('%j is a usage error: exit code 2, said on standard error', async (args, first) => {
    const run = await runCli(database, args);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(first);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });
});
