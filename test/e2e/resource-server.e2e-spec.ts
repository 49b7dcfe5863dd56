import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import { SigningKeysService } from '../../src/keys/signing-keys.service';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/http';
import { freePort } from '../support/server-process';

const EXAMPLE = resolve(__dirname, '..', '..', 'examples', 'resource-server', 'server.mjs');

/**
 * examples/resource-server: a separate service that verifies Portcullis access tokens on its own with jose's remote
 * JWKS, started as its own process against a running Portcullis.
 */
describe('examples/resource-server, verifying tokens with the JWKS (e2e)', () => {
  let t: TestApp;
  let service: ChildProcess;
  let url: string;
  let output = '';

  const orders = (token: string) => fetch(`${url}/orders`, { headers: bearer(token) });

  beforeAll(async () => {
    t = await createTestApp();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = spawn(process.execPath, [EXAMPLE], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        PORTCULLIS_URL: await t.app.getUrl(),
        JWT_ISSUER: t.config.tokens.issuer,
        JWT_AUDIENCE: t.config.tokens.audience,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let attempt = 0; attempt < 100 && !output.includes('listening'); attempt += 1) {
      if (service.exitCode !== null) break;
      await new Promise((done) => setTimeout(done, 50));
    }
    if (!output.includes('listening')) throw new Error(`the example did not start:\n${output}`);
  });
  afterAll(async () => {
    service?.kill();
    await t?.close();
  });

  it('accepts a fresh access token and knows whose it is', async () => {
    const user = await given(t).signedInUser();
    const response = await orders(user.tokens.accessToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ userId: user.id, roles: ['user'], orders: [] });
  });

  it('refuses a token signed by another key, and tokens that break the pinned alg, iss, aud or typ', async () => {
    const user = await given(t).signedInUser();
    const claims = jwt.decode(user.tokens.accessToken) as Record<string, unknown>;
    const keys = t.app.get(SigningKeysService);
    const { kid, privateKey } = keys.signing;
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const sign = (payload: object, key: typeof other, header: Record<string, unknown> = {}) =>
      jwt.sign(payload, key, {
        algorithm: 'ES256',
        header: { alg: 'ES256', kid, typ: 'at+jwt', ...header },
      });
    const refused = [
      sign(claims, other),
      sign(claims, other, { kid: 'a-kid-nobody-published' }),
      sign({ ...claims, iss: 'https://evil.example' }, privateKey),
      sign({ ...claims, aud: 'another-api' }, privateKey),
      sign(claims, privateKey, { typ: 'JWT' }),
      jwt.sign(claims, 'a shared secret', {
        algorithm: 'HS256',
        header: { alg: 'HS256', kid, typ: 'at+jwt' },
      }),
      `${user.tokens.accessToken.split('.').slice(0, 2).join('.')}.`,
    ];
    for (const token of refused) {
      expect({ token, status: (await orders(token)).status }).toEqual({ token, status: 401 });
    }
    expect((await fetch(`${url}/orders`)).status).toBe(401);
    // The server's own key and claims pass: the refusals above are about what each one changed.
    expect((await orders(sign(claims, privateKey))).status).toBe(200);
  });

  it('keeps accepting tokens across a key rotation: those signed before, and those signed by the new key', async () => {
    const user = await given(t).signedInUser();
    const before = user.tokens.accessToken;
    expect((await orders(before)).status).toBe(200);
    const keys = t.app.get(SigningKeysService);
    const previousKid = keys.signing.kid;

    await keys.rotate();
    const after = (await given(t).session(user)).accessToken;
    expect(jwt.decode(after, { complete: true })!.header.kid).not.toBe(previousKid);

    expect((await orders(before)).status).toBe(200);
    expect((await orders(after)).status).toBe(200);
  });
});
