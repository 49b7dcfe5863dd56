import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { PASSWORD } from '../support/http';
import { runServer, untilListening, type ServerProcess } from '../support/server-process';
import {
  eventsOf,
  queryRows,
  runCli,
  runCliOnTerminal,
  STACK_FRAME,
  type CliRun,
  type StoredEvent,
} from './cli-process';

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  roles: string;
  password_hash: string;
  disabled: number;
}

interface SessionRow {
  id: string;
  revoked_at: number | null;
  revoked_reason: string | null;
}

const CREATED = /^created the administrator (\S+) \(id ([0-9a-f-]{36}), roles user,admin\)$/;

/** Each command's one-line failure, the exit code, and nothing on standard output or as a stack trace. */
function expectFailure(run: CliRun, code: number, line: string | RegExp): void {
  expect({ code: run.code, errors: run.errors.length }).toEqual({ code, errors: 1 });
  if (typeof line === 'string') expect(run.errors[0]).toBe(line);
  else expect(run.errors[0]).toMatch(line);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(STACK_FRAME);
}

describe('portcullis user commands, on a migrated database shared with a running server', () => {
  let database: TestDatabase;
  let server: ServerProcess;

  const cli = (args: string[], options?: Parameters<typeof runCli>[2]) =>
    runCli(database, args, options);
  const userRow = async (email: string) =>
    (
      await queryRows<UserRow>(
        database,
        'SELECT id, email, name, roles, password_hash, disabled FROM users WHERE email = ?',
        [email],
      )
    )[0];
  const sessionsOf = (userId: string) =>
    queryRows<SessionRow>(
      database,
      'SELECT id, revoked_at, revoked_reason FROM sessions WHERE user_id = ? ORDER BY created_at',
      [userId],
    );
  const adminEvents = async (userId: string): Promise<StoredEvent[]> =>
    (await eventsOf(database, userId)).filter((event) => event.type.startsWith('admin.'));
  const post = async (path: string, body: object) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** An ordinary account, registered through the server as a user would. */
  const register = async (email: string) => {
    const response = await post('/auth/register', { email, password: PASSWORD });
    expect(response.status).toBe(201);
    return response.body.id as string;
  };
  const login = (email: string, password = PASSWORD) => post('/auth/login', { email, password });
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    expect((await cli(['migrate', 'run'])).code).toBe(0);
    server = await runServer({
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
      ARGON2_MAX_CONCURRENCY: '1',
    });
    await untilListening(server);
  });
  afterAll(async () => {
    server?.cleanUp();
    await database?.drop();
  });

  describe('create-admin', () => {
    it('with --password-stdin: roles user and admin, an argon2id hash, an admin.user_created event by "cli"; the server signs it in', async () => {
      const run = await cli(
        ['create-admin', 'Ada@Example.com', '--password-stdin', '--name', 'Ada'],
        {
          input: `${PASSWORD}\nignored second line\n`,
        },
      );
      expect(run.code).toBe(0);
      expect(run.lines).toHaveLength(1);
      const [, email, id] = CREATED.exec(run.lines[0])!;
      expect(email).toBe('ada@example.com');
      expect(await userRow('ada@example.com')).toEqual({
        id,
        email: 'ada@example.com',
        name: 'Ada',
        roles: 'user,admin',
        password_hash: expect.stringMatching(/^\$argon2id\$/),
        disabled: 0,
      });
      expect(await adminEvents(id)).toEqual([
        {
          type: 'admin.user_created',
          user_id: id,
          actor_id: 'cli',
          detail: expect.objectContaining({ roles: ['user', 'admin'], invited: false }),
        },
      ]);
      const signedIn = await login('ada@example.com');
      expect(signedIn.status).toBe(200);
      const claims = JSON.parse(
        Buffer.from((signedIn.body.accessToken as string).split('.')[1], 'base64url').toString(),
      ) as { sub: string; roles: string[] };
      expect(claims).toMatchObject({ sub: id, roles: ['user', 'admin'] });
    });

    it.each([
      ['password', 'common', /^portcullis: password is too common .*\(rule: common\)$/],
      [
        'short',
        'too_short',
        /^portcullis: password must be at least 8 characters long \(rule: too_short\)$/,
      ],
      [
        'weak-lovelace-2026',
        'contains_email',
        /^portcullis: password must not contain your email address .*\(rule: contains_email\)$/,
      ],
    ])(
      'refuses a weak password (%s: %s) with the rule, exit code 1, and creates nothing',
      async (password, _rule, line) => {
        const run = await cli(['create-admin', 'lovelace@example.com', '--password-stdin'], {
          input: `${password}\n`,
        });
        expectFailure(run, 1, line);
        expect(await userRow('lovelace@example.com')).toBeUndefined();
      },
    );

    it('refuses an email that exists (in any case): an administrator is one already; another account is pointed at set-roles', async () => {
      const again = await cli(['create-admin', 'ADA@example.com', '--password-stdin'], {
        input: `${PASSWORD}\n`,
      });
      expectFailure(
        again,
        1,
        'portcullis: an account with the email ada@example.com already exists, and is an administrator',
      );
      await register('babbage@example.com');
      const user = await cli(['create-admin', 'babbage@example.com', '--password-stdin'], {
        input: `${PASSWORD}\n`,
      });
      expectFailure(
        user,
        1,
        'portcullis: an account with the email babbage@example.com already exists (roles user); to make it an administrator: portcullis set-roles babbage@example.com user,admin',
      );
      expect((await userRow('babbage@example.com')).roles).toBe('user');
    });

    it('never takes the password from the command line, and without a terminal asks for --password-stdin (exit code 2)', async () => {
      const option = await cli(['create-admin', 'turing@example.com', '--password', PASSWORD]);
      expectFailure(
        option,
        2,
        "portcullis: unknown option '--password' (see: portcullis create-admin --help)",
      );
      const noTerminal = await cli(['create-admin', 'turing@example.com']);
      expectFailure(
        noTerminal,
        2,
        'portcullis: no terminal to ask for the password: pipe it on standard input with --password-stdin',
      );
      const badEmail = await cli(['create-admin', 'turing.example.com', '--password-stdin'], {
        input: `${PASSWORD}\n`,
      });
      expectFailure(badEmail, 2, 'portcullis: email must be a valid email address');
      expect(await userRow('turing@example.com')).toBeUndefined();
    });

    it('on a terminal: asks twice without echoing what is typed, then creates the account', async () => {
      const run = await runCliOnTerminal(
        database,
        ['create-admin', 'hopper@example.com'],
        [
          { after: 'Password: ', type: PASSWORD },
          { after: 'Password again: ', type: PASSWORD },
        ],
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Password: ');
      expect(run.stdout).toContain('Password again: ');
      expect(run.stdout).not.toContain(PASSWORD);
      expect(run.lines.at(-1)).toMatch(CREATED);
      expect((await userRow('hopper@example.com')).roles).toBe('user,admin');
    });

    it('on a terminal: two different passwords create nothing (exit code 1)', async () => {
      const run = await runCliOnTerminal(
        database,
        ['create-admin', 'liskov@example.com'],
        [
          { after: 'Password: ', type: PASSWORD },
          { after: 'Password again: ', type: `${PASSWORD}!` },
        ],
      );
      expect(run.code).toBe(1);
      expect(run.errors).toEqual(['portcullis: the two passwords differ; nothing was changed']);
      expect(await userRow('liskov@example.com')).toBeUndefined();
    });
  });

  describe('set-roles', () => {
    it('gives roles (comma-separated, by email): an admin.user_updated event by "cli", sessions kept', async () => {
      const id = await register('grace@example.com');
      expect((await login('grace@example.com')).status).toBe(200);
      const run = await cli(['set-roles', 'Grace@example.com', 'user,support,support']);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual([
        'grace@example.com: roles user,support (were user); they show in its next sign-in or refresh',
      ]);
      expect((await userRow('grace@example.com')).roles).toBe('user,support');
      expect(await adminEvents(id)).toEqual([
        {
          type: 'admin.user_updated',
          user_id: id,
          actor_id: 'cli',
          detail: expect.objectContaining({ changes: { roles: ['user', 'support'] } }),
        },
      ]);
      expect((await sessionsOf(id)).map((session) => session.revoked_at)).toEqual([null]);
    });

    it('takes roles away (space-separated, by id): the sessions are revoked', async () => {
      const id = (await userRow('grace@example.com')).id;
      const run = await cli(['set-roles', id, 'support', 'billing']);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual([
        'grace@example.com: roles support,billing (were user,support); its sessions were revoked',
      ]);
      expect((await userRow('grace@example.com')).roles).toBe('support,billing');
      expect(await sessionsOf(id)).toEqual([
        expect.objectContaining({
          revoked_at: expect.any(Number),
          revoked_reason: 'roles_changed',
        }),
      ]);
      expect((await adminEvents(id)).at(-1)).toMatchObject({
        type: 'admin.user_updated',
        actor_id: 'cli',
        detail: { changes: { roles: ['support', 'billing'] } },
      });
    });

    it.each([
      [
        'Admin',
        'portcullis: "Admin" is not a role name: lower case letters, digits, _ or -, starting with a letter, at most 32 characters',
      ],
      [
        'user,9lives',
        'portcullis: "9lives" is not a role name: lower case letters, digits, _ or -, starting with a letter, at most 32 characters',
      ],
      [',', 'portcullis: give at least one role, e.g. user,admin'],
    ])('refuses a bad role list (%s) as a usage error, changing nothing', async (roles, line) => {
      const run = await cli(['set-roles', 'grace@example.com', roles]);
      expectFailure(run, 2, line);
      expect((await userRow('grace@example.com')).roles).toBe('support,billing');
    });
  });

  describe('revoke-sessions, disable-user, enable-user', () => {
    let id: string;
    let refreshTokens: string[];
    beforeAll(async () => {
      id = await register('knuth@example.com');
      const logins = [await login('knuth@example.com'), await login('knuth@example.com')];
      refreshTokens = logins.map((response) => response.body.refreshToken as string);
    });

    it('revoke-sessions (by id) revokes every session: refresh is refused; an admin.sessions_revoked event by "cli"', async () => {
      const run = await cli(['revoke-sessions', id]);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual(['revoked 2 sessions of knuth@example.com']);
      const sessions = await sessionsOf(id);
      expect(sessions.map((session) => session.revoked_reason)).toEqual([
        'admin_revoked',
        'admin_revoked',
      ]);
      expect((await post('/auth/refresh', { refreshToken: refreshTokens[0] })).status).toBe(401);
      expect(await adminEvents(id)).toEqual([
        {
          type: 'admin.sessions_revoked',
          user_id: id,
          actor_id: 'cli',
          detail: expect.objectContaining({ count: 2 }),
        },
      ]);
    });

    it('disable-user (by email) disables the account and revokes its session; the server refuses its password', async () => {
      const session = await login('knuth@example.com');
      expect(session.status).toBe(200);
      const run = await cli(['disable-user', 'KNUTH@example.com']);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual([
        'disabled knuth@example.com: its sessions are revoked; it can no longer sign in, refresh or use its API keys',
      ]);
      expect((await userRow('knuth@example.com')).disabled).toBe(1);
      expect((await sessionsOf(id)).at(-1)?.revoked_reason).toBe('user_disabled');
      expect((await adminEvents(id)).at(-1)).toEqual({
        type: 'admin.user_updated',
        user_id: id,
        actor_id: 'cli',
        detail: expect.objectContaining({ changes: { disabled: true } }),
      });
      const refused = await login('knuth@example.com');
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 403,
        code: 'account_disabled',
      });
      expect(
        (await post('/auth/refresh', { refreshToken: session.body.refreshToken })).status,
      ).toBe(401);
    });

    it('disable-user again: says so, exit code 0, no new event', async () => {
      const before = (await adminEvents(id)).length;
      const run = await cli(['disable-user', id]);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual(['knuth@example.com is disabled already']);
      expect(await adminEvents(id)).toHaveLength(before);
    });

    it('enable-user lets the account sign in again; an admin.user_updated event by "cli"', async () => {
      const run = await cli(['enable-user', 'knuth@example.com']);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual(['enabled knuth@example.com: it can sign in again']);
      expect((await userRow('knuth@example.com')).disabled).toBe(0);
      expect((await adminEvents(id)).at(-1)).toEqual({
        type: 'admin.user_updated',
        user_id: id,
        actor_id: 'cli',
        detail: expect.objectContaining({ changes: { disabled: false } }),
      });
      expect((await login('knuth@example.com')).status).toBe(200);
      const again = await cli(['enable-user', 'knuth@example.com']);
      expect(again.lines).toEqual(['knuth@example.com is enabled already']);
    });
  });

  describe('reset-mfa', () => {
    it('turns two-factor off (the password alone signs in again), files admin.mfa_removed by "cli"; a second run has nothing to do', async () => {
      const id = await register('noether@example.com');
      const session = (await login('noether@example.com')).body.accessToken as string;
      const authorized = async (path: string, body: object) => {
        const response = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
          body: JSON.stringify(body),
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      const setup = await authorized('/auth/mfa/totp/setup', { password: PASSWORD });
      expect(setup.status).toBe(200);
      const code = new TOTP({ secret: Secret.fromBase32(setup.body.secret as string) }).generate();
      expect((await authorized('/auth/mfa/totp/enable', { code })).status).toBe(200);
      expect((await login('noether@example.com')).body).toMatchObject({ mfaRequired: true });

      const run = await cli(['reset-mfa', 'Noether@example.com']);
      expect(run.code).toBe(0);
      expect(run.lines).toEqual([
        'turned two-factor sign-in off for noether@example.com: its password alone signs in; it was mailed',
      ]);
      expect((await login('noether@example.com')).body).toHaveProperty('accessToken');
      expect((await adminEvents(id)).at(-1)).toEqual({
        type: 'admin.mfa_removed',
        user_id: id,
        actor_id: 'cli',
        detail: {},
      });
      const again = await cli(['reset-mfa', id]);
      expect(again.code).toBe(0);
      expect(again.lines).toEqual(['noether@example.com has no two-factor sign-in: nothing to do']);
    });
  });

  describe('naming an account', () => {
    const unknownId = randomUUID();
    it.each([
      ['set-roles', 'user'],
      ['disable-user'],
      ['enable-user'],
      ['revoke-sessions'],
      ['reset-mfa'],
    ])(
      '%s: an unknown email or id is one line, exit code 1; anything else is a usage error',
      async (command, ...rest) => {
        expectFailure(
          await cli([command, 'Nobody@Example.com', ...rest]),
          1,
          'portcullis: no account has the email nobody@example.com',
        );
        expectFailure(
          await cli([command, unknownId, ...rest]),
          1,
          `portcullis: no account has the id ${unknownId}`,
        );
        expectFailure(
          await cli([command, 'nobody', ...rest]),
          2,
          'portcullis: "nobody" is neither an email address nor an account id',
        );
      },
    );
  });

  describe('list-users', () => {
    beforeAll(async () => {
      await register('list-older@example.com');
      await register('list-newer@example.com');
      expect((await cli(['disable-user', 'list-older@example.com'])).code).toBe(0);
    });

    it('prints a table: a heading, then one line per account, newest first', async () => {
      const run = await cli(['list-users', '--q', 'LIST-']);
      expect(run.code).toBe(0);
      expect(run.lines).toHaveLength(3);
      expect(run.lines[0].split(/\s{2,}/)).toEqual([
        'ID',
        'EMAIL',
        'NAME',
        'ROLES',
        'VERIFIED',
        'DISABLED',
        'CREATED (UTC)',
        'LAST LOGIN (UTC)',
      ]);
      const newer = await userRow('list-newer@example.com');
      expect(run.lines[1].split(/\s{2,}/)).toEqual([
        newer.id,
        'list-newer@example.com',
        '-',
        'user',
        'no',
        'no',
        expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/),
        '-',
      ]);
      expect(run.lines[2]).toMatch(/^\S+ +list-older@example\.com +- +user +no +yes /);
    });

    it('--json prints the admin API page: {items, nextCursor}, no password hash', async () => {
      const run = await cli(['list-users', '--json', '--q', 'list-']);
      expect(run.code).toBe(0);
      const page = JSON.parse(run.stdout) as {
        items: Array<Record<string, unknown>>;
        nextCursor: null;
      };
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((user) => [user.email, user.disabled])).toEqual([
        ['list-newer@example.com', false],
        ['list-older@example.com', true],
      ]);
      expect(run.stdout).not.toMatch(/argon2|password/i);
    });

    it('filters by role and by state, and pages with --limit and --cursor', async () => {
      const admins = JSON.parse(
        (await cli(['list-users', '--json', '--role', 'admin'])).stdout,
      ) as {
        items: Array<{ email: string; roles: string[] }>;
      };
      expect(admins.items.map((user) => user.email).sort()).toEqual([
        'ada@example.com',
        'hopper@example.com',
      ]);
      const disabled = JSON.parse(
        (await cli(['list-users', '--json', '--disabled', '--q', 'list-'])).stdout,
      ) as {
        items: Array<{ email: string }>;
      };
      expect(disabled.items.map((user) => user.email)).toEqual(['list-older@example.com']);
      const first = JSON.parse(
        (await cli(['list-users', '--json', '--q', 'list-', '--limit', '1'])).stdout,
      ) as {
        items: Array<{ email: string }>;
        nextCursor: string;
      };
      expect(first.items.map((user) => user.email)).toEqual(['list-newer@example.com']);
      const text = await cli(['list-users', '--q', 'list-', '--limit', '1']);
      expect(text.lines.at(-1)).toBe(
        `more accounts match: portcullis list-users --q "list-" --limit 1 --cursor ${first.nextCursor}`,
      );
      const second = JSON.parse(
        (
          await cli([
            'list-users',
            '--json',
            '--q',
            'list-',
            '--limit',
            '1',
            '--cursor',
            first.nextCursor,
          ])
        ).stdout,
      ) as { items: Array<{ email: string }>; nextCursor: null };
      expect(second).toEqual({
        items: [expect.objectContaining({ email: 'list-older@example.com' })],
        nextCursor: null,
      });
    });

    it('refuses bad filters as usage errors', async () => {
      expectFailure(await cli(['list-users', '--limit', '0']), 2, /^portcullis: limit must /);
      expectFailure(
        await cli(['list-users', '--role', 'Admin']),
        2,
        /^portcullis: role must be a role name/,
      );
      expectFailure(
        await cli(['list-users', '--disabled', '--enabled']),
        2,
        'portcullis: --disabled and --enabled exclude each other: give one of them',
      );
      const none = await cli(['list-users', '--q', 'nobody-at-all']);
      expect(none.lines).toEqual(['no account matches']);
    });
  });
});

describe('portcullis and the last administrator', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    expect((await runCli(database, ['migrate', 'run'])).code).toBe(0);
  });
  afterAll(() => database.drop());

  it('neither set-roles nor disable-user takes away the last enabled administrator', async () => {
    const created = await runCli(
      database,
      ['create-admin', 'only@example.com', '--password-stdin'],
      {
        input: `${PASSWORD}\n`,
      },
    );
    expect(created.code).toBe(0);
    const line =
      'portcullis: this is the last enabled administrator: make another account an administrator first';
    expectFailure(await runCli(database, ['set-roles', 'only@example.com', 'user']), 1, line);
    expectFailure(await runCli(database, ['disable-user', 'only@example.com']), 1, line);
    const [row] = await queryRows<{ roles: string; disabled: number }>(
      database,
      'SELECT roles, disabled FROM users WHERE email = ?',
      ['only@example.com'],
    );
    expect(row).toEqual({ roles: 'user,admin', disabled: 0 });
  });
});
