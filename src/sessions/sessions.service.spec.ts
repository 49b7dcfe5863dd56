import type { AppConfigService } from '../config';
import type { DomainEvents } from '../events/domain-events';
import type { NoticeBus } from '../redis/notice.bus';
import type { RefreshTokensRepository } from './refresh-tokens.repository';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

const SESSION = '0b9f4c1e-7d2a-4c55-9d0e-3f1a2b3c4d5e';
const USER = '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const OTHER_USER = '6e7f8091-2b3c-4d4e-9fa0-1b2c3d4e5f60';

/** The service's answers to the access-token check, with a repository that counts its reads. */
function setUp() {
  const findStatus = jest.fn(() =>
    Promise.resolve({ userId: USER, revokedAt: null, expiresAt: 60_000 }),
  );
  const revocationHandlers: Array<(notice: unknown) => void> = [];
  const deliveryListeners: Array<(delivering: boolean) => void> = [];
  const notices = {
    cacheTtl: (withoutNoticesMs: number) => withoutNoticesMs,
    subscribe: (_channel: unknown, handler: (notice: unknown) => void) =>
      revocationHandlers.push(handler),
    onDeliveryChange: (listener: (delivering: boolean) => void) => deliveryListeners.push(listener),
  } as unknown as NoticeBus;
  const sut = new SessionsService(
    { findStatus } as unknown as SessionsRepository,
    {} as RefreshTokensRepository,
    { now: () => 1_000 },
    {} as DomainEvents,
    notices,
    { get: () => ({}) } as unknown as AppConfigService,
  );
  return { sut, findStatus, revocationHandlers, deliveryListeners };
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
});
