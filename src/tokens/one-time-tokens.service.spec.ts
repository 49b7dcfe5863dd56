import { createHash } from 'node:crypto';
import type { OneTimeToken } from './one-time-token.entity';
import type { OneTimeTokensRepository } from './one-time-tokens.repository';
import { OneTimeTokensService } from './one-time-tokens.service';

describe(OneTimeTokensService.name, () => {
  const now = 1_764_576_000_000;
  const token = OneTimeTokensService.generate();
  const row = (changes: Partial<OneTimeToken> = {}): OneTimeToken =>
    ({
      id: 'b8a1f0de-3c55-4f4c-9d0e-2f1b6c1d7a10',
      userId: '0a7ea163-7fc1-4ac0-a611-baae04d6deed',
      purpose: 'reset_password',
      tokenHash: createHash('sha256').update(token).digest('hex'),
      createdAt: now - 1000,
      expiresAt: now + 1000,
      attempts: 0,
      usedAt: null,
      ...changes,
    }) as OneTimeToken;
  /** The service over a store that holds `stored` under any hash. */
  const over = (stored: OneTimeToken | null) => {
    const findByHash = jest.fn().mockResolvedValue(stored);
    const service = new OneTimeTokensService({ findByHash } as unknown as OneTimeTokensRepository, {
      now: () => now,
    });
    return { service, findByHash };
  };

  it('finds a token by the SHA-256 of what was presented, and answers it while unused and unexpired', async () => {
    const stored = row();
    const { service, findByHash } = over(stored);
    expect(await service.check(token, ['reset_password'])).toEqual({
      status: 'valid',
      token: stored,
    });
    expect(findByHash).toHaveBeenCalledWith(stored.tokenHash);
  });

  it('answers expired from the millisecond it expires', async () => {
    expect(
      await over(row({ expiresAt: now + 1 })).service.check(token, ['reset_password']),
    ).toEqual(expect.objectContaining({ status: 'valid' }));
    expect(await over(row({ expiresAt: now })).service.check(token, ['reset_password'])).toEqual({
      status: 'expired',
    });
  });

  it.each([
    ['unknown', null],
    ['of another purpose', row({ purpose: 'verify_email' })],
    ['used', row({ usedAt: now - 1 })],
  ])('refuses a token that is %s', async (_what, stored) => {
    expect(await over(stored).service.check(token, ['reset_password', 'change_email'])).toEqual({
      status: 'invalid',
    });
  });

  it('refuses what is not shaped like one of its tokens without looking it up', async () => {
    const { service, findByHash } = over(row());
    for (const presented of ['', token.slice(1), `${token}x`, `${token.slice(1)}=`]) {
      expect(await service.check(presented, ['reset_password'])).toEqual({ status: 'invalid' });
    }
    expect(findByHash).not.toHaveBeenCalled();
  });
});
