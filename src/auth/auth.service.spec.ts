import type { DomainEvents } from '../events/domain-events';
import type { PasswordService } from '../passwords/password.service';
import type { SessionsService } from '../sessions/sessions.service';
import type { AccessTokenService } from '../tokens/access-token.service';
import type { User } from '../users/user.entity';
import type { UsersService } from '../users/users.service';
import type { AppConfigService } from '../config';
import type { MfaService } from '../mfa/mfa.service';
import type { OneTimeTokensService } from '../tokens/one-time-tokens.service';
import { AuthService } from './auth.service';
import type { LockoutService } from './lockout.service';

const events = () => ({ emit: jest.fn().mockResolvedValue(undefined) });
const config = {
  section: () => ({ requireEmailVerification: false }),
} as unknown as AppConfigService;
const lockout = () =>
  ({
    isLocked: jest.fn().mockReturnValue(false),
    recordFailure: jest.fn().mockResolvedValue(undefined),
    recordSuccess: jest.fn().mockResolvedValue(undefined),
  }) as unknown as LockoutService;

/** The service with its collaborators: the given fakes, and inert ones for the rest. */
function build(parts: {
  users?: object;
  passwords?: object;
  sessions?: object;
  tokens?: object;
}): AuthService {
  return new AuthService(
    (parts.users ?? {}) as UsersService,
    (parts.passwords ?? {}) as PasswordService,
    (parts.sessions ?? {}) as SessionsService,
    (parts.tokens ?? {}) as AccessTokenService,
    events() as unknown as DomainEvents,
    lockout(),
    { isEnabled: jest.fn().mockResolvedValue(false) } as unknown as MfaService,
    {} as OneTimeTokensService,
    config,
  );
}

const userFactory = (overrides: Partial<User> = {}): User => ({
  id: 'u1',
  email: 'ada@example.com',
  name: null,
  passwordHash: '$argon2id$v=19$m=19456,p=1,t=2$salt$hash',
  roles: ['user'],
  emailVerified: false,
  disabled: false,
  failedLogins: 0,
  lockedUntil: null,
  lockouts: 0,
  lastLoginAt: null,
  createdAt: 0,
  updatedAt: 0,
  ...overrides,
});

function setup(user: User | null, check = { ok: true, needsRehash: false }) {
  const users = {
    findByEmail: jest.fn().mockResolvedValue(user),
    updatePasswordHash: jest.fn().mockResolvedValue(undefined),
  };
  const passwords = {
    verify: jest.fn().mockResolvedValue(check),
    verifyAgainstDummy: jest.fn().mockResolvedValue(undefined),
    hash: jest.fn().mockResolvedValue('new-hash'),
  };
  const sut = build({ users, passwords });
  return { sut, users, passwords };
}

describe(AuthService.name, () => {
  describe('validateCredentials', () => {
    it('spends one dummy verification on an unknown email, then answers invalid_credentials', async () => {
      const { sut, passwords } = setup(null);
      await expect(sut.validateCredentials('nobody@example.com', 'pw')).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
      expect(passwords.verifyAgainstDummy).toHaveBeenCalledTimes(1);
      expect(passwords.verify).not.toHaveBeenCalled();
    });

    it('tells a disabled user so only after the correct password', async () => {
      const { sut, passwords } = setup(userFactory({ disabled: true }));
      await expect(sut.validateCredentials('ada@example.com', 'pw')).rejects.toMatchObject({
        code: 'account_disabled',
      });
      expect(passwords.verify).toHaveBeenCalledTimes(1);
    });

    it('answers a wrong password for a disabled user with the ordinary invalid_credentials', async () => {
      const { sut } = setup(userFactory({ disabled: true }), { ok: false, needsRehash: false });
      await expect(sut.validateCredentials('ada@example.com', 'pw')).rejects.toMatchObject({
        code: 'invalid_credentials',
        message: 'email or password is incorrect',
      });
    });

    it('answers invalid_credentials for a wrong password', async () => {
      const { sut } = setup(userFactory(), { ok: false, needsRehash: false });
      await expect(sut.validateCredentials('ada@example.com', 'pw')).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
    });

    it('rehashes when the parameters changed', async () => {
      const { sut, users } = setup(userFactory(), { ok: true, needsRehash: true });
      await expect(sut.validateCredentials('ada@example.com', 'pw')).resolves.toMatchObject({
        id: 'u1',
      });
      expect(users.updatePasswordHash).toHaveBeenCalledWith('u1', 'new-hash');
    });

    it('leaves a current hash alone', async () => {
      const { sut, users } = setup(userFactory());
      await sut.validateCredentials('ada@example.com', 'pw');
      expect(users.updatePasswordHash).not.toHaveBeenCalled();
    });
  });
});

describe(`${AuthService.name} issueSession`, () => {
  const context = { ip: null, userAgent: null };
  const parts = (users: object) => {
    const sessions = {
      open: jest.fn().mockResolvedValue({ session: { id: 's1', userId: 'u1' }, refreshToken: 'r' }),
      revoke: jest.fn().mockResolvedValue(true),
    };
    const tokens = { sign: jest.fn().mockReturnValue('access'), accessTokenTtl: 900 };
    return { sut: build({ users, sessions, tokens }), sessions, tokens };
  };

  it('records the sign-in in one statement while the account is unchanged, and signs its roles', async () => {
    const users = {
      touchLastLoginIfUnchanged: jest.fn().mockResolvedValue(true),
      findById: jest.fn(),
      touchLastLogin: jest.fn(),
    };
    const { sut, sessions, tokens } = parts(users);
    const user = userFactory({ id: 'u1', roles: ['user', 'auditor'] });
    await expect(sut.issueSession(user, context)).resolves.toMatchObject({
      accessToken: 'access',
      refreshToken: 'r',
    });
    expect(users.touchLastLoginIfUnchanged).toHaveBeenCalledWith(user);
    expect(users.findById).not.toHaveBeenCalled();
    expect(users.touchLastLogin).not.toHaveBeenCalled();
    expect(sessions.revoke).not.toHaveBeenCalled();
    expect(tokens.sign).toHaveBeenCalledWith(
      expect.objectContaining({ userId: 'u1', sessionId: 's1', roles: ['user', 'auditor'] }),
    );
  });

  it('reads the account again when its roles changed since the password was checked: the tokens carry the new ones', async () => {
    const users = {
      touchLastLoginIfUnchanged: jest.fn().mockResolvedValue(false),
      findById: jest.fn().mockResolvedValue(userFactory({ id: 'u1', roles: ['user'] })),
      touchLastLogin: jest.fn().mockResolvedValue(undefined),
    };
    const { sut, sessions, tokens } = parts(users);
    await sut.issueSession(userFactory({ id: 'u1', roles: ['user', 'admin'] }), context);
    expect(users.touchLastLogin).toHaveBeenCalledWith('u1');
    expect(sessions.revoke).not.toHaveBeenCalled();
    expect(tokens.sign).toHaveBeenCalledWith(expect.objectContaining({ roles: ['user'] }));
  });

  it.each([
    ['disabled', userFactory({ disabled: true }), 'account_disabled'],
    ['deleted', null, 'invalid_credentials'],
  ])(
    'revokes the session it just opened when the user was %s meanwhile',
    async (_case, found, code) => {
      const users = {
        touchLastLoginIfUnchanged: jest.fn().mockResolvedValue(false),
        findById: jest.fn().mockResolvedValue(found),
        touchLastLogin: jest.fn(),
      };
      const { sut, sessions, tokens } = parts(users);
      await expect(sut.issueSession(userFactory(), context)).rejects.toMatchObject({ code });
      expect(sessions.revoke).toHaveBeenCalledWith({ id: 's1', userId: 'u1' }, 'user_disabled');
      expect(users.touchLastLogin).not.toHaveBeenCalled();
      expect(tokens.sign).not.toHaveBeenCalled();
    },
  );
});

describe(`${AuthService.name} refresh`, () => {
  it('refuses, and revokes the session, when the user was disabled without their sessions being revoked', async () => {
    const session = { id: 's1', userId: 'u1' };
    const sessions = {
      rotate: jest.fn().mockResolvedValue({ session, refreshToken: 'next' }),
      revoke: jest.fn().mockResolvedValue(true),
    };
    const users = { findById: jest.fn().mockResolvedValue(userFactory({ disabled: true })) };
    const tokens = { sign: jest.fn(), accessTokenTtl: 900 };
    const sut = build({ users, sessions, tokens });
    await expect(sut.refresh('presented')).rejects.toMatchObject({ code: 'session_revoked' });
    expect(sessions.revoke).toHaveBeenCalledWith(session, 'user_disabled');
    expect(tokens.sign).not.toHaveBeenCalled();
  });
});
