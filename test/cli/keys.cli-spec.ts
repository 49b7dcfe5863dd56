import { generateKeyPairSync } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runServer, untilListening, type ServerProcess } from '../support/server-process';
import { queryRows, runCli, STACK_FRAME } from './cli-process';

const HEADING = /^KID +ALG +STATE +CREATED \(UTC\) +SIGNING FROM +SIGNING UNTIL +RETIRED$/;
const KEY_LINE = (state: string) =>
  new RegExp(`^[\\w-]{43}  ES256  ${state} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d `);

describe('portcullis keys, on a database shared with a running server', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  const cli = (args: string[], options?: Parameters<typeof runCli>[2]) =>
    runCli(database, args, options);
  const published = async () => {
    const response = await fetch(`${server.url}/.well-known/jwks.json`);
    return ((await response.json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);
  };

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    server = await runServer({
      NODE_ENV: 'test',
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'warn',
    });
    await untilListening(server);
  });
  afterAll(async () => {
    server?.cleanUp();
    await database?.drop();
  });

  it('keys (list): the current and the next key, with their dates', async () => {
    const run = await cli(['keys']);
    expect(run.code).toBe(0);
    expect(run.lines).toHaveLength(3);
    expect(run.lines[0]).toMatch(HEADING);
    expect(
      run.lines
        .slice(1)
        .map((line) => line.split(/ +/)[2])
        .sort(),
    ).toEqual(['current', 'next']);
    expect(run.lines.find((line) => / current /.test(line))).toMatch(KEY_LINE('current'));
    expect(await cli(['keys', 'list'])).toMatchObject({ code: 0, lines: run.lines });
    const kids = run.lines.slice(1).map((line) => line.split(' ')[0]);
    expect((await published()).sort()).toEqual(kids.sort());
  });

  it('keys rotate: the running server signs with the former next key within seconds, and keeps the old one published', async () => {
    const [current, next] = ['current', 'next'].map((state) =>
      queryRows<{ kid: string }>(database, 'SELECT kid FROM signing_keys WHERE state = ?', [state]),
    );
    const [currentKid, nextKid] = [(await current)[0].kid, (await next)[0].kid];
    const run = await cli(['keys', 'rotate']);
    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      `rotated: ${nextKid} signs new tokens from now on; the key before it verifies until its tokens expire`,
    ]);
    // The server reads the key table every 5 seconds.
    let kids: string[] = [];
    for (let attempt = 0; attempt < 100; attempt += 1) {
      kids = await published();
      if (kids[0] === nextKid) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(kids[0]).toBe(nextKid);
    expect(kids).toHaveLength(3);
    expect(kids).toContain(currentKid);
    const list = await cli(['keys']);
    expect(list.lines.find((line) => line.startsWith(currentKid))).toMatch(KEY_LINE('previous'));
  });

  it('a wrong action is a usage error (exit 2); a static key cannot be rotated here (exit 1, says why)', async () => {
    const wrong = await cli(['keys', 'spin']);
    expect(wrong.code).toBe(2);
    expect(wrong.errors).toEqual(['portcullis: unknown keys action "spin": use list or rotate']);
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const run = await cli(['keys', 'rotate'], { env: { JWT_PRIVATE_KEY: pem } });
    expect(run.code).toBe(1);
    expect(run.errors).toEqual([
      'portcullis: the signing key is set by JWT_PRIVATE_KEY: rotate it by publishing a new key there (unset it to let the server manage and rotate keys)',
    ]);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stdout).toBe('');
  });
});
