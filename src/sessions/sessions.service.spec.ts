import type { AppConfigService } from '../config';
import type { DomainEvents } from '../events/domain-events';
import type { NoticeBus } from '../redis/notice.bus';
import type { RefreshTokensRepository } from './refresh-tokens.repository';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

const SESSION = '0b9f4c1e-7d2a-4c55-9d0e-3f1a2b3c4d5e';
const USER = '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const OTHER_USER = '6e7f8091-2b3c-4d4e-9fa0-1b2c3d4e5f60';
const NOW = 10_000_000;
const REFRESH_TOKEN_TTL_SECONDS = 3600;

/**
 * The service with fake collaborators: a session repository that counts its status reads (and answers `sessions`
 * for the rest), and the notices and events it sends.
 */
function setUp(
  sessions: Partial<Record<keyof SessionsRepository, jest.Mock>> = {},
  refreshTokens: Partial<Record<keyof RefreshTokensRepository, jest.Mock>> = {},
) {
  const findStatus = jest.fn((_id: string) =>
    Promise.resolve({ userId: USER, revokedAt: null, expiresAt: NOW + 60_000 }),
  );
  const revocationHandlers: Array<(notice: unknown) => void> = [];
  const deliveryListeners: Array<(delivering: boolean) => void> = [];
  const published: unknown[] = [];
  const emitted: Array<[string, unknown]> = [];
  const notices = {
    cacheTtl: (withoutNoticesMs: number) => withoutNoticesMs,
    subscribe: (_channel: unknown, handler: (notice: unknown) => void) =>
      revocationHandlers.push(handler),
    onDeliveryChange: (listener: (delivering: boolean) => void) => deliveryListeners.push(listener),
    publish: (_channel: unknown, notice: unknown) => Promise.resolve(published.push(notice)),
  } as unknown as NoticeBus;
  const events = {
    emit: (name: string, payload: unknown) => Promise.resolve(emitted.push([name, payload])),
  } as unknown as DomainEvents;
  const sut = new SessionsService(
    { findStatus, ...sessions } as unknown as SessionsRepository,
    refreshTokens as unknown as RefreshTokensRepository,
    { now: () => NOW },
    events,
    notices,
    {
      section: () => ({ reuseGrace: 30, refreshTokenTtl: REFRESH_TOKEN_TTL_SECONDS }),
    } as unknown as AppConfigService,
  );
  return { sut, findStatus, revocationHandlers, deliveryListeners, published, emitted };
}

describe(SessionsService.name, () => {
  describe('statusFor', () => {
    it('answers from memory after the first read, for the session owner only', async () => {
      const { sut, findStatus } = setUp();
      await expect(sut.statusFor(SESSION, USER)).resolves.toBe('active');
      await expect(sut.statusFor(SESSION, USER)).resolves.toBe('active');
      await expect(sut.statusFor(SESSION, OTHER_USER)).resolves.toBe('foreign');
      expect(findStatus).toHaveBeenCalledTimes(1);
    });

    it("reads the session again after another instance's revocation notice about it or its user", async () => {
      const { sut, findStatus, revocationHandlers } = setUp();
      await sut.statusFor(SESSION, USER);
      for (const handler of revocationHandlers) handler({ sessionId: SESSION });
      await sut.statusFor(SESSION, USER);
      expect(findStatus).toHaveBeenCalledTimes(2);
      for (const handler of revocationHandlers) handler({ userId: USER });
      await sut.statusFor(SESSION, USER);
      expect(findStatus).toHaveBeenCalledTimes(3);
    });

    it('reads every session again once notice delivery stops or resumes (notices may have been missed)', async () => {
      const { sut, findStatus, deliveryListeners } = setUp();
      await sut.statusFor(SESSION, USER);
      expect(deliveryListeners).toHaveLength(1);
      for (const listener of deliveryListeners) listener(false);
      await sut.statusFor(SESSION, USER);
      expect(findStatus).toHaveBeenCalledTimes(2);
      for (const listener of deliveryListeners) listener(true);
      await sut.statusFor(SESSION, USER);
      expect(findStatus).toHaveBeenCalledTimes(3);
    });
  });
  describe("a user's revocation notice", () => {
    it("drops that user's sessions from memory, and no one else's", async () => {
      const { sut, findStatus, revocationHandlers } = setUp();
      findStatus.mockImplementation((id: string) =>
        Promise.resolve({
          userId: id === SESSION ? USER : OTHER_USER,
          revokedAt: null,
          expiresAt: NOW + 60_000,
        }),
      );
      const otherSession = '7f8091a2-3c4d-4e5f-a0b1-2c3d4e5f6071';
      await sut.statusFor(SESSION, USER);
      await sut.statusFor(otherSession, OTHER_USER);
      for (const handler of revocationHandlers) handler({ userId: USER });
      await sut.statusFor(SESSION, USER);
      await sut.statusFor(otherSession, OTHER_USER);
      expect(findStatus.mock.calls.map(([id]) => id)).toEqual([SESSION, otherSession, SESSION]);
    });
  });

  describe('revokeAllForUser', () => {
    it('tells the other instances and the audit log only when it revoked something', async () => {
      const revokeAllForUser = jest.fn().mockResolvedValueOnce(0).mockResolvedValueOnce(2);
      const { sut, published, emitted } = setUp({ revokeAllForUser });
      await expect(sut.revokeAllForUser(USER, 'logout_all')).resolves.toBe(0);
      expect(published).toEqual([]);
      expect(emitted).toEqual([]);
      await expect(sut.revokeAllForUser(USER, 'logout_all')).resolves.toBe(2);
      expect(published).toEqual([{ userId: USER }]);
      expect(emitted).toEqual([
        ['session.revoked', expect.objectContaining({ userId: USER, sessionId: null, count: 2 })],
      ]);
    });
  });

  describe('revoke and revokeOwn', () => {
    it('tell the other instances and the audit log only when they revoked the session', async () => {
      const revoke = jest.fn().mockResolvedValueOnce(false).mockResolvedValueOnce(true);
      const revokeOwn = jest.fn().mockResolvedValueOnce(false).mockResolvedValueOnce(true);
      const { sut, published, emitted } = setUp({ revoke, revokeOwn });
      await expect(sut.revoke({ id: SESSION, userId: USER }, 'logout')).resolves.toBe(false);
      await expect(sut.revokeOwn(USER, SESSION)).resolves.toBe(false);
      expect(published).toEqual([]);
      expect(emitted).toEqual([]);
      await expect(sut.revoke({ id: SESSION, userId: USER }, 'logout')).resolves.toBe(true);
      await expect(sut.revokeOwn(USER, SESSION)).resolves.toBe(true);
      expect(published).toEqual([{ sessionId: SESSION }, { sessionId: SESSION }]);
      expect(emitted).toEqual([
        ['session.revoked', expect.objectContaining({ sessionId: SESSION, reason: 'logout' })],
        [
          'session.revoked',
          expect.objectContaining({ sessionId: SESSION, reason: 'session_deleted' }),
        ],
      ]);
    });
  });

  describe('the clean-up', () => {
    it('purges only what ended more than a refresh-token lifetime ago', async () => {
      const deleteEnded = jest.fn().mockResolvedValue(3);
      const deleteStale = jest.fn().mockResolvedValue({ deleted: 2, next: null });
      const { sut } = setUp({ deleteEnded }, { deleteStale });
      const before = NOW - REFRESH_TOKEN_TTL_SECONDS * 1000;
      await expect(sut.purgeEndedSessions(50)).resolves.toBe(3);
      expect(deleteEnded).toHaveBeenCalledWith(before, 50);
      await expect(sut.purgeStaleTokens(50, 7)).resolves.toEqual({ deleted: 2, next: null });
      expect(deleteStale).toHaveBeenCalledWith(before, 50, 7);
    });
  });

  describe('rotate', () => {
    it('revokes the session of a reused refresh token and says so in the log, even within the grace window of the last rotation (only the token rotated last gets it)', async () => {
      const session = {
        id: SESSION,
        userId: USER,
        revokedAt: null,
        expiresAt: NOW + 60_000,
        currentTokenId: 'the-current-token',
        previousTokenId: 'an-earlier-token',
        rotatedAt: NOW - 500,
      };
      const insert = jest.fn();
      const { sut, emitted } = setUp(
        {
          findById: jest.fn().mockResolvedValue(session),
          revoke: jest.fn().mockResolvedValue(true),
        },
        {
          insert,
          findByHash: jest.fn().mockResolvedValue({
            id: 'a-stale-token',
            sessionId: SESSION,
            expiresAt: NOW + 60_000,
          }),
        },
      );
      const warn = jest.spyOn(sut['logger'], 'warn').mockImplementation(() => undefined);
      await expect(sut.rotate('the presented token')).rejects.toMatchObject({
        code: 'refresh_token_reused',
      });
      expect(warn).toHaveBeenCalledWith(
        `refresh token reuse detected: session ${SESSION} of user ${USER} revoked`,
      );
      expect(emitted.map(([name]) => name)).toEqual(['session.revoked', 'refresh.reused']);
      // No successor was stored for it.
      expect(insert).not.toHaveBeenCalled();
    });
  });
});
