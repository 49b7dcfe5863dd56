import type { AppConfig, AppConfigService } from '../config';
import { HashingPool } from './hashing-pool';
import { NO_PASSWORD, PasswordService } from './password.service';

const settings: AppConfig['passwords'] = {
  minLength: 8,
  maxLength: 128,
  // Light parameters: these tests are about the service's behaviour, not the hash's strength.
  argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 },
  maxConcurrentHashes: 1,
};
const config = { section: () => settings } as unknown as AppConfigService;

describe(PasswordService.name, () => {
  let sut: PasswordService;

  // Built for each test, not once: code run in a beforeAll counts for no test in the mutation run, which then
  // leaves out the tests that depend on it (docs/TESTING.md).
  beforeEach(async () => {
    sut = new PasswordService(config);
    await sut.onModuleInit();
  });
  afterEach(async () => {
    await sut.onApplicationShutdown();
  });

  describe('verify', () => {
    it('accepts the password whatever its Unicode form (NFKC), and nothing else', async () => {
      const hash = await sut.hash('Ｐａｓｓ ｗｏｒｄ ｌｏｎｇ');
      expect(hash).toMatch(/^\$argon2id\$/);
      await expect(sut.verify(hash, 'Pass word long')).resolves.toEqual({
        ok: true,
        needsRehash: false,
      });
      await expect(sut.verify(hash, 'Pass word lonG')).resolves.toMatchObject({ ok: false });
    });

    it('asks for a rehash when the parameters changed', async () => {
      const other = new PasswordService({
        section: () => ({ ...settings, argon2: { ...settings.argon2, timeCost: 2 } }),
      } as unknown as AppConfigService);
      await other.onModuleInit();
      try {
        const hash = await sut.hash('a fine passphrase');
        await expect(other.verify(hash, 'a fine passphrase')).resolves.toEqual({
          ok: true,
          needsRehash: true,
        });
      } finally {
        await other.onApplicationShutdown();
      }
    });
  });

  describe('verify, for an account without a password (an invitation not yet used)', () => {
    it('matches no password, and still spends a real verification', async () => {
      const run = jest.spyOn(HashingPool.prototype, 'run');
      try {
        for (const password of [NO_PASSWORD, 'any password at all']) {
          await expect(sut.verify(NO_PASSWORD, password)).resolves.toEqual({
            ok: false,
            needsRehash: false,
          });
        }
        expect(run).toHaveBeenCalledTimes(2);
      } finally {
        run.mockRestore();
      }
    });
  });

  describe('a hashing failure', () => {
    it('is not mistaken for hashing being unavailable: a stored hash argon2 cannot read is a fault, not a 503', async () => {
      const failure = await sut.verify('$argon2id$not-a-hash', 'a fine passphrase').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toHaveProperty('code');
      expect((failure as Error).message).toMatch(/^password hashing failed: /);
    });
  });

  describe('verifyAgainstDummy', () => {
    it('spends a real argon2 verification in a hashing process, for accounts that do not exist', async () => {
      const run = jest.spyOn(HashingPool.prototype, 'run');
      try {
        await sut.verifyAgainstDummy('whatever was typed');
        expect(run).toHaveBeenCalledTimes(1);
        expect(run).toHaveBeenCalledWith({
          op: 'verify',
          hash: expect.stringMatching(/^\$argon2id\$v=19\$m=8192,p=1,t=1\$/),
          password: 'whatever was typed',
        });
      } finally {
        run.mockRestore();
      }
    });
  });

  describe('hash', () => {
    it('answers 503 with Retry-After when too many hashes are already waiting', async () => {
      const attempts = Array.from({ length: 60 }, () =>
        sut.hash('queued passphrase').then(
          () => 'done',
          (error: { getStatus?: () => number; code?: string; details?: unknown }) =>
            `${error.getStatus?.()} ${error.code} ${JSON.stringify(error.details)}`,
        ),
      );
      const outcomes = await Promise.all(attempts);
      // Two are held by the process (one runs, the next is queued there), fifty wait, the rest are refused at once.
      expect(outcomes.filter((outcome) => outcome === 'done')).toHaveLength(52);
      expect(new Set(outcomes.filter((outcome) => outcome !== 'done'))).toEqual(
        new Set(['503 service_unavailable {"retryAfter":1}']),
      );
    });

    it('answers 503 with Retry-After when no hashing process can answer (shutting down)', async () => {
      const stopped = new PasswordService(config);
      await stopped.onModuleInit();
      await stopped.onApplicationShutdown();
      await expect(stopped.hash('a fine passphrase')).rejects.toMatchObject({
        code: 'service_unavailable',
        message: 'password checks are unavailable; retry in a moment',
        details: { retryAfter: 1 },
      });
    });
  });
});
