import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditRetentionJob } from '../../src/audit/audit-retention.job';
import { JobLeases } from '../../src/database/job-leases';
import { OutboxCleanupJob } from '../../src/mail/outbox-cleanup.job';
import { SessionsCleanupJob } from '../../src/sessions/sessions-cleanup.job';
import { SessionsService } from '../../src/sessions/sessions.service';
import type { OneTimeToken } from '../../src/tokens/one-time-token.entity';
import { OneTimeTokensCleanupJob } from '../../src/tokens/one-time-tokens-cleanup.job';
import { OneTimeTokensService } from '../../src/tokens/one-time-tokens.service';
import { given } from '../support/actors';
import { createTestApp, type TestApp } from '../support/app';
import { bearer, expectCode } from '../support/http';

const DAY = 86_400;

/** The periodic jobs that keep the tables from growing, run by hand on a moved clock. */
describe('Maintenance jobs (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_RETENTION_DAYS: '90' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (table: string, where = '1 = 1') => {
    const [{ n }] = await t.app
      .get(DataSource)
      .query<Array<{ n: string | number }>>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`);
    return Number(n);
  };
  /** The jobs' leases last five minutes: move past them so that each run takes its lease again. */
  const nextRun = () => t.clock.advanceSeconds(600);

  it('deletes ended sessions and consumed refresh tokens once they can no longer matter; live ones stay', async () => {
    const user = await given(t).user();
    const ended = await given(t).session(user);
    await t.http.post('/auth/logout').set(bearer(ended.accessToken)).expect(204);
    let live = await given(t).session(user);
    for (let i = 0; i < 3; i += 1) {
      live = (
        await t.http.post('/auth/refresh').send({ refreshToken: live.refreshToken }).expect(200)
      ).body;
    }
    const before = { sessions: await count('sessions'), tokens: await count('refresh_tokens') };
    // The live session stays in use; everything from a month ago can go.
    t.clock.advanceSeconds(20 * DAY);
    live = (
      await t.http.post('/auth/refresh').send({ refreshToken: live.refreshToken }).expect(200)
    ).body;
    t.clock.advanceSeconds(11 * DAY);
    nextRun();
    const deleted = await t.app.get(SessionsCleanupJob).run();
    expect(deleted).toBeGreaterThanOrEqual(4);
    expect(await count('sessions')).toBeLessThan(before.sessions);
    expect(await count('refresh_tokens')).toBeLessThan(before.tokens);
    // The live session's current refresh token still works.
    await t.http.post('/auth/refresh').send({ refreshToken: live.refreshToken }).expect(200);
  });

  it('walks stale refresh tokens in steps of the size asked, each step starting after the last token it saw', async () => {
    const user = await given(t).user();
    // The clock stands still between moves: step past the tokens earlier tests issued at this instant.
    t.clock.advanceSeconds(1);
    const after = t.clock.now() - 1;
    const first = t.clock.now();
    let live = await given(t).session(user);
    for (let i = 0; i < 4; i += 1) {
      t.clock.advanceSeconds(1);
      live = (
        await t.http.post('/auth/refresh').send({ refreshToken: live.refreshToken }).expect(200)
      ).body;
    }
    t.clock.advanceSeconds(31 * DAY);
    const sessions = t.app.get(SessionsService);
    // Five tokens one second apart; the last is the session's current one and stays.
    expect(await sessions.purgeStaleTokens(2, after)).toEqual({ deleted: 2, next: first + 1000 });
    expect(await sessions.purgeStaleTokens(2, first + 1000)).toEqual({
      deleted: 2,
      next: first + 3000,
    });
    expect(await sessions.purgeStaleTokens(2, first + 3000)).toEqual({ deleted: 0, next: null });
    expect(await count('refresh_tokens', `created_at > ${after}`)).toBe(1);
  });

  it('deletes used and expired one-time tokens, and old outbox messages', async () => {
    await given(t).user();
    await t.app.get(OutboxCleanupJob).run();
    expect(await count('one_time_tokens')).toBeGreaterThan(0);
    t.clock.advanceSeconds(8 * DAY);
    nextRun();
    await t.app.get(OneTimeTokensCleanupJob).run();
    expect(await count('one_time_tokens')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    nextRun();
    await t.app.get(OutboxCleanupJob).run();
    expect(await count('mail_outbox', "status = 'sent'")).toBe(0);
  });

  it('deletes a used one-time token at once, and keeps the ones that can still be used', async () => {
    // A user registered now has a live email verification token; a password reset token is then used.
    const user = await given(t).user();
    const tokens = t.app.get(OneTimeTokensService);
    const reset = await tokens.issue({
      userId: user.id,
      purpose: 'reset_password',
      ttlSeconds: 3600,
    });
    const check = await tokens.check(reset, ['reset_password']);
    expect(check.status).toBe('valid');
    expect(await tokens.use((check as { token: OneTimeToken }).token)).toBe(true);
    const theirs = (used: boolean) =>
      count('one_time_tokens', `user_id = '${user.id}' AND used_at IS ${used ? 'NOT ' : ''}NULL`);
    expect([await theirs(false), await theirs(true)]).toEqual([1, 1]);
    nextRun();
    await t.app.get(OneTimeTokensCleanupJob).run();
    expect([await theirs(false), await theirs(true)]).toEqual([1, 0]);
  });

  it('deletes events older than AUDIT_RETENTION_DAYS, and keeps the recent ones', async () => {
    const { tokens } = await given(t).signedInUser();
    t.clock.advanceSeconds(91 * DAY);
    const recent = await given(t).signedInUser();
    nextRun();
    expect(await t.app.get(AuditRetentionJob).run()).toBeGreaterThan(0);
    const old = await t.http.get('/users/me/events').set(bearer(tokens.accessToken));
    expectCode(old, 401, 'token_expired');
    const kept = await t.http
      .get('/users/me/events')
      .set(bearer(recent.tokens.accessToken))
      .expect(200);
    expect(kept.body.items.length).toBeGreaterThan(0);
  });

  it('leaves the one-time tokens alone while another instance holds that job, and cleans them once it is free', async () => {
    const dataSource = t.app.get(DataSource);
    /** PostgreSQL numbers its parameters. */
    const sql = (query: string) => {
      let n = 0;
      return t.database.kind === 'sqlite' ? query : query.replace(/\?/g, () => `$${(n += 1)}`);
    };
    await given(t).user();
    t.clock.advanceSeconds(8 * DAY);
    nextRun();
    await dataSource.query(sql('DELETE FROM job_leases WHERE name = ?'), [
      'one-time-tokens-cleanup',
    ]);
    await dataSource.query(
      sql("INSERT INTO job_leases (name, holder, until) VALUES (?, 'another-instance', ?)"),
      ['one-time-tokens-cleanup', t.clock.now() + 60_000],
    );
    const job = t.app.get(OneTimeTokensCleanupJob);
    expect(await job.run()).toBe(0);
    expect(await count('one_time_tokens')).toBeGreaterThan(0);
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      t.clock.advanceSeconds(61);
      const deleted = await job.run();
      expect(deleted).toBeGreaterThan(0);
      expect(await count('one_time_tokens')).toBe(0);
      // A run with nothing to delete says nothing.
      nextRun();
      expect(await job.run()).toBe(0);
      const lines = logged.mock.calls
        .map(([message]): unknown => message)
        .filter((message) => typeof message === 'string' && message.includes('one-time tokens'));
      expect(lines).toEqual([`deleted ${deleted} used or expired one-time tokens`]);
    } finally {
      logged.mockRestore();
    }
    // This instance now holds the job for half its ten-minute interval: a crashed holder blocks it for no longer.
    const [lease] = await dataSource.query<Array<{ until: string | number }>>(
      sql('SELECT until FROM job_leases WHERE name = ?'),
      ['one-time-tokens-cleanup'],
    );
    expect(Number(lease?.until)).toBe(t.clock.now() + 5 * 60_000);
  });

  it('runs each job on one instance at a time: a lease held by another is not taken', async () => {
    const leases = t.app.get(JobLeases);
    await t.app
      .get(DataSource)
      .query(
        t.database.kind === 'sqlite'
          ? "INSERT INTO job_leases (name, holder, until) VALUES ('probe', 'another-instance', ?)"
          : "INSERT INTO job_leases (name, holder, until) VALUES ('probe', 'another-instance', $1)",
        [t.clock.now() + 60_000],
      );
    expect(await leases.acquire('probe', 60)).toBe(false);
    t.clock.advanceSeconds(61);
    expect(await leases.acquire('probe', 60)).toBe(true);
    expect(await leases.acquire('probe', 60)).toBe(true);
  });
});
