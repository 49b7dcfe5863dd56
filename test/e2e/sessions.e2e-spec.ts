import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { RefreshToken } from '../../src/sessions/refresh-token.entity';
import { Session } from '../../src/sessions/session.entity';
import { SessionsRepository } from '../../src/sessions/sessions.repository';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, expectCode, type Tokens } from '../support/http';

const DAY = 86_400;
const sidOf = (accessToken: string) => (jwt.decode(accessToken) as { sid: string }).sid;

describe('Sessions (e2e)', () => {
  let t: TestApp;

  const refresh = (refreshToken: unknown) => t.http.post('/auth/refresh').send({ refreshToken });
  const me = (accessToken: string) => t.http.get('/users/me').set(bearer(accessToken));
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /auth/refresh', () => {
    it('rotates: a new refresh token and access token in the same session', async () => {
      const { tokens } = await given(t).signedInUser();
      const response = await refresh(tokens.refreshToken).expect(200);
      const next = response.body as Tokens;
      expect(next).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        tokenType: 'Bearer',
        expiresIn: 900,
      });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(next.refreshToken).not.toBe(tokens.refreshToken);
      expect(sidOf(next.accessToken)).toBe(sidOf(tokens.accessToken));
      await me(next.accessToken).expect(200);
      await refresh(next.refreshToken).expect(200);
    });

    it('stores only the SHA-256 of refresh tokens, and records the client of the session', async () => {
      const user = await given(t).user();
      const response = await t.http
        .post('/auth/login')
        .set('User-Agent', 'portcullis-e2e/1.0')
        .send({ email: user.email, password: user.password })
        .expect(200);
      const { refreshToken, accessToken } = response.body as Tokens;
      const dataSource = t.app.get(DataSource);
      const rows = await dataSource
        .getRepository(RefreshToken)
        .findBy({ sessionId: sidOf(accessToken) });
      expect(rows).toHaveLength(1);
      expect(rows[0].tokenHash).toBe(createHash('sha256').update(refreshToken).digest('hex'));
      expect(JSON.stringify(rows)).not.toContain(refreshToken);
      const session = await dataSource
        .getRepository(Session)
        .findOneByOrFail({ id: sidOf(accessToken) });
      expect(session).toMatchObject({
        userId: user.id,
        userAgent: 'portcullis-e2e/1.0',
        revokedAt: null,
      });
      expect(session.ip).toMatch(/127\.0\.0\.1|::1/);
    });

    it('answers 401 invalid_refresh_token for an unknown token or an access token', async () => {
      const { tokens } = await given(t).signedInUser();
      expectCode(await refresh('x'.repeat(43)), 401, 'invalid_refresh_token');
      expectCode(await refresh(tokens.accessToken), 401, 'invalid_refresh_token');
    });

    it.each([
      ['no body', undefined],
      ['a number', 42],
      ['an object', { $ne: null }],
      ['an empty string', ''],
      ['a huge string', 'x'.repeat(5000)],
    ])('answers 400 validation_failed for %s', async (_case, value) => {
      const response = await t.http
        .post('/auth/refresh')
        .set('Content-Type', 'application/json')
        .send(value === undefined ? undefined : { refreshToken: value });
      expectCode(response, 400, 'validation_failed');
    });

    it('detects reuse after the grace window: revokes the session, its refresh and access tokens', async () => {
      const { tokens } = await given(t).signedInUser();
      const next = (await refresh(tokens.refreshToken).expect(200)).body as Tokens;
      await me(next.accessToken).expect(200);
      t.clock.advanceSeconds(11);
      expectCode(await refresh(tokens.refreshToken), 401, 'refresh_token_reused');
      expectCode(await refresh(next.refreshToken), 401, 'session_revoked');
      expectCode(await me(next.accessToken), 401, 'session_revoked');
      expectCode(await me(tokens.accessToken), 401, 'session_revoked');
      const session = await t.app
        .get(DataSource)
        .getRepository(Session)
        .findOneByOrFail({ id: sidOf(next.accessToken) });
      expect(session.revokedReason).toBe('refresh_token_reused');
    });

    it('within the grace window, gives the immediate predecessor a fresh pair of the same session', async () => {
      const { tokens } = await given(t).signedInUser();
      const second = (await refresh(tokens.refreshToken).expect(200)).body as Tokens;
      t.clock.advanceSeconds(5);
      const again = (await refresh(tokens.refreshToken).expect(200)).body as Tokens;
      expect(sidOf(again.accessToken)).toBe(sidOf(tokens.accessToken));
      expect(again.refreshToken).not.toBe(second.refreshToken);
      await me(again.accessToken).expect(200);
      const latest = (await refresh(again.refreshToken).expect(200)).body as Tokens;
      // The pair issued before the grace presentation was replaced: presenting it now is reuse.
      expectCode(await refresh(second.refreshToken), 401, 'refresh_token_reused');
      expectCode(await refresh(latest.refreshToken), 401, 'session_revoked');
    });

    it('closes the grace window REFRESH_REUSE_GRACE seconds after the rotation', async () => {
      const { tokens } = await given(t).signedInUser();
      await refresh(tokens.refreshToken).expect(200);
      t.clock.advanceSeconds(10);
      await refresh(tokens.refreshToken).expect(200);
      t.clock.advanceSeconds(1);
      expectCode(await refresh(tokens.refreshToken), 401, 'refresh_token_reused');
    });

    it('within the grace window, treats an older token than the immediate predecessor as reuse', async () => {
      const { tokens: first } = await given(t).signedInUser();
      const second = (await refresh(first.refreshToken).expect(200)).body as Tokens;
      const third = (await refresh(second.refreshToken).expect(200)).body as Tokens;
      t.clock.advanceSeconds(1);
      // `second` was consumed last: it is the immediate predecessor of the current token.
      await refresh(second.refreshToken).expect(200);
      // `first` is older: reuse, even within the grace window.
      expectCode(await refresh(first.refreshToken), 401, 'refresh_token_reused');
      expectCode(await refresh(third.refreshToken), 401, 'session_revoked');
    });

    it('gives every parallel refresh of one token a pair within the grace window, and never a 5xx', async () => {
      const { tokens } = await given(t).signedInUser();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => refresh(tokens.refreshToken)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      const sids = new Set(
        responses.map((response) => sidOf((response.body as Tokens).accessToken)),
      );
      expect(sids).toEqual(new Set([sidOf(tokens.accessToken)]));
      // Exactly one of the ten refresh tokens is the session's current one: never two usable tokens.
      const session = await t.app
        .get(DataSource)
        .getRepository(Session)
        .findOneByOrFail({ id: sidOf(tokens.accessToken) });
      const current = await t.app
        .get(DataSource)
        .getRepository(RefreshToken)
        .findOneByOrFail({ id: session.currentTokenId });
      const hashes = responses.map((response) =>
        createHash('sha256')
          .update((response.body as Tokens).refreshToken)
          .digest('hex'),
      );
      expect(hashes.filter((hash) => hash === current.tokenHash)).toHaveLength(1);
    });

    it('expires a session idle for longer than REFRESH_TOKEN_TTL', async () => {
      const { tokens } = await given(t).signedInUser();
      t.clock.advanceSeconds(30 * DAY - 1);
      const kept = (await refresh(tokens.refreshToken).expect(200)).body as Tokens;
      t.clock.advanceSeconds(30 * DAY + 1);
      expectCode(await refresh(kept.refreshToken), 401, 'refresh_token_expired');
    });

    it('expires a refresh token at the very instant its idle lifetime ends', async () => {
      const { tokens } = await given(t).signedInUser();
      t.clock.advanceSeconds(30 * DAY);
      expectCode(await refresh(tokens.refreshToken), 401, 'refresh_token_expired');
    });

    it('keeps at most 512 characters of the user agent', async () => {
      const user = await given(t).user();
      const response = await t.http
        .post('/auth/login')
        .set('User-Agent', `agent/${'x'.repeat(600)}`)
        .send({ email: user.email, password: user.password })
        .expect(200);
      const session = await t.app
        .get(DataSource)
        .getRepository(Session)
        .findOneByOrFail({ id: sidOf((response.body as Tokens).accessToken) });
      expect(session.userAgent).toHaveLength(512);
      expect(session.userAgent!.startsWith('agent/xxx')).toBe(true);
    });

    it('ends a session at SESSION_MAX_AGE however often it is refreshed', async () => {
      const { tokens } = await given(t).signedInUser();
      let current = tokens;
      for (let i = 0; i < 3; i += 1) {
        t.clock.advanceSeconds(29 * DAY);
        current = (await refresh(current.refreshToken).expect(200)).body as Tokens;
      }
      // 87 days in: the last token's idle life is capped by the session's absolute end (90 days).
      t.clock.advanceSeconds(3 * DAY + 1);
      expectCode(await refresh(current.refreshToken), 401, 'refresh_token_expired');
    });

    it('stops an access token after ACCESS_TOKEN_TTL, judged by the same clock that issued it', async () => {
      const { tokens } = await given(t).signedInUser();
      t.clock.advanceSeconds(899);
      await me(tokens.accessToken).expect(200);
      t.clock.advanceSeconds(2);
      expectCode(await me(tokens.accessToken), 401, 'token_expired');
    });

    it('refuses the access tokens of a session past SESSION_MAX_AGE', async () => {
      const { tokens } = await given(t).signedInUser();
      await me(tokens.accessToken).expect(200);
      const sessions = t.app.get(DataSource).getRepository(Session);
      await sessions.update({ id: sidOf(tokens.accessToken) }, { expiresAt: t.clock.now() + 500 });
      t.clock.advance(1000);
      expectCode(await me(tokens.accessToken), 401, 'session_revoked');
    });
  });

  it('replaces the current token only for the previous token of a live session (one conditional statement)', async () => {
    const { tokens } = await given(t).signedInUser();
    await refresh(tokens.refreshToken).expect(200);
    const id = sidOf(tokens.accessToken);
    const sessions = t.app.get(DataSource).getRepository(Session);
    const { previousTokenId } = await sessions.findOneByOrFail({ id });
    const repository = t.app.get(SessionsRepository);
    const now = t.clock.now();
    expect(previousTokenId).not.toBeNull();
    expect(await repository.replaceCurrent(id, 'not-the-previous', 'next-1', now)).toBe(false);
    expect(await repository.replaceCurrent(id, previousTokenId!, 'next-2', now)).toBe(true);
    expect((await sessions.findOneByOrFail({ id })).currentTokenId).toBe('next-2');
    expect(await repository.revoke(id, 'logout', now)).toBe(true);
    expect(await repository.replaceCurrent(id, previousTokenId!, 'next-3', now)).toBe(false);
    expect((await sessions.findOneByOrFail({ id })).currentTokenId).toBe('next-2');
  });

  describe('POST /auth/logout', () => {
    it("revokes the caller's session at once: refresh and access tokens, even just cached ones", async () => {
      const user = await given(t).user();
      const tokens = await given(t).session(user);
      const other = await given(t).session(user);
      await me(tokens.accessToken).expect(200);
      await t.http.post('/auth/logout').set(bearer(tokens.accessToken)).expect(204);
      expectCode(await me(tokens.accessToken), 401, 'session_revoked');
      expectCode(await refresh(tokens.refreshToken), 401, 'session_revoked');
      // Another session of the same user is untouched.
      await me(other.accessToken).expect(200);
      await refresh(other.refreshToken).expect(200);
    });

    it('is harmless a second time', async () => {
      const { tokens } = await given(t).signedInUser();
      await t.http.post('/auth/logout').set(bearer(tokens.accessToken)).expect(204);
      const second = await t.http.post('/auth/logout').set(bearer(tokens.accessToken));
      expectCode(second, 401, 'session_revoked');
    });

    it('needs an access token', async () => {
      expectCode(await t.http.post('/auth/logout'), 401, 'missing_token');
    });

    it('leaves no usable token when it races refreshes', async () => {
      const { tokens } = await given(t).signedInUser();
      const results = await Promise.all([
        ...Array.from({ length: 8 }, () => refresh(tokens.refreshToken)),
        t.http.post('/auth/logout').set(bearer(tokens.accessToken)),
        ...Array.from({ length: 8 }, () => refresh(tokens.refreshToken)),
      ]);
      expect(results.every((response) => response.status < 500)).toBe(true);
      const issued = results
        .filter((response) => response.status === 200)
        .map((response) => response.body as Tokens);
      for (const pair of [tokens, ...issued]) {
        expect((await refresh(pair.refreshToken)).status).toBe(401);
        expect((await me(pair.accessToken)).status).toBe(401);
      }
    });
  });

  describe('POST /auth/logout-all', () => {
    it('revokes every session of the caller', async () => {
      const user = await given(t).user();
      const sessions = [
        await given(t).session(user),
        await given(t).session(user),
        await given(t).session(user),
      ];
      const stranger = await given(t).signedInUser();
      for (const tokens of sessions) await me(tokens.accessToken).expect(200);
      await t.http.post('/auth/logout-all').set(bearer(sessions[0].accessToken)).expect(204);
      for (const tokens of sessions) {
        expectCode(await me(tokens.accessToken), 401, 'session_revoked');
        expectCode(await refresh(tokens.refreshToken), 401, 'session_revoked');
      }
      await me(stranger.tokens.accessToken).expect(200);
    });
  });
});

describe('Sessions with REFRESH_REUSE_GRACE=0 (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { REFRESH_REUSE_GRACE: '0' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets exactly one of 20 parallel refreshes of one token succeed, without a 5xx', async () => {
    const { tokens } = await given(t).signedInUser();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(19);
    // The others were reuse, so the session is revoked: no usable successor is left at all.
    const winner = responses.find((response) => response.status === 200)!.body as Tokens;
    await t.http.post('/auth/refresh').send({ refreshToken: winner.refreshToken }).expect(401);
  });

  it('treats the just-consumed token as reuse at once', async () => {
    const { tokens } = await given(t).signedInUser();
    const next = (
      await t.http.post('/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200)
    ).body as Tokens;
    const reused = await t.http
      .post('/auth/refresh')
      .send({ refreshToken: tokens.refreshToken })
      .expect(401);
    expect(reused.body.code).toBe('refresh_token_reused');
    await t.http.post('/auth/refresh').send({ refreshToken: next.refreshToken }).expect(401);
  });
});
