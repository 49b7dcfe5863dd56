import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from '../access/principal';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { PasswordService } from '../passwords/password.service';
import { SessionsService } from '../sessions/sessions.service';
import { AccessTokenService } from '../tokens/access-token.service';
import { UserDto } from '../users/dto/user.dto';
import { normalizeEmail } from '../users/normalize-email';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AppConfigService } from '../config';
import { MfaService } from '../mfa/mfa.service';
import { OneTimeTokensService } from '../tokens/one-time-tokens.service';
import {
  accountDisabled,
  accountDisabledOnRefresh,
  emailNotVerified,
  invalidCredentials,
  invalidMfaCodeAtSignIn,
  mfaTokenInvalid,
} from './auth.errors';
import type { MfaChallengeDto, MfaVerifyDto } from './dto/mfa.dto';
import { LockoutService } from './lockout.service';
import type { RegisterDto } from './dto/register.dto';
import type { TokensDto } from './dto/tokens.dto';

/** Tries a second-step token allows: then the user signs in with the password again. */
export const MFA_TRIES = 5;

/**
 * The sign-in flow: register, check credentials, the second factor when it is on, open a session and issue its
 * tokens (one place, whatever the factors), refresh, log out.
 */
@Injectable()
export class AuthService {
  private readonly requireEmailVerification: boolean;
  private readonly mfaTokenTtl: number;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokenService,
    private readonly events: DomainEvents,
    private readonly lockout: LockoutService,
    private readonly mfa: MfaService,
    private readonly oneTimeTokens: OneTimeTokensService,
    config: AppConfigService,
  ) {
    const account = config.section('account');
    this.requireEmailVerification = account.requireEmailVerification;
    this.mfaTokenTtl = account.mfaTokenTtl;
  }

  async register(
    { email: given, password, name }: RegisterDto,
    context?: RequestContext,
  ): Promise<UserDto> {
    const email = normalizeEmail(given);
    this.passwords.checkPolicy(password, email);
    const passwordHash = await this.passwords.hash(password);
    const user = await this.users.create({ email, passwordHash, name });
    await this.events.emit('user.registered', { userId: user.id, context });
    return UserDto.from(user);
  }

  /**
   * The user these credentials belong to, or 401 `invalid_credentials`. Unknown emails and locked accounts cost
   * one argon2 verification too, so neither the answer nor its timing tells whether an account exists or is
   * locked. A wrong password counts toward lockout. Only after the correct password: a disabled account answers
   * 403 `account_disabled`, and (with REQUIRE_EMAIL_VERIFICATION) an unverified one 403 `email_not_verified`.
   */
  async validateCredentials(
    email: string,
    password: string,
    context?: RequestContext,
  ): Promise<User> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      await this.passwords.verifyAgainstDummy(password);
      await this.events.emit('login.failed', { userId: null, reason: 'unknown_email', context });
      throw invalidCredentials();
    }
    const locked = this.lockout.isLocked(user);
    const check = await this.passwords.verify(user.passwordHash, password);
    if (locked || !check.ok) {
      if (!locked) await this.lockout.recordFailure(user, context);
      const reason = locked ? 'account_locked' : 'wrong_password';
      await this.events.emit('login.failed', { userId: user.id, reason, context });
      throw invalidCredentials();
    }
    if (user.disabled) {
      await this.events.emit('login.failed', {
        userId: user.id,
        reason: 'account_disabled',
        context,
      });
      throw accountDisabled();
    }
    if (this.requireEmailVerification && !user.emailVerified) throw emailNotVerified();
    if (check.needsRehash) {
      await this.users.updatePasswordHash(user.id, await this.passwords.hash(password));
    }
    return user;
  }

  /**
   * After the correct password: the tokens, or, with two-factor on, a token for the second step. Failures are
   * forgotten (lockout) only once every factor is through: a password alone never resets the count of wrong codes.
   */
  async signIn(user: User, context: RequestContext): Promise<TokensDto | MfaChallengeDto> {
    if (await this.mfa.isEnabled(user.id)) {
      const mfaToken = await this.oneTimeTokens.issue({
        userId: user.id,
        purpose: 'mfa',
        ttlSeconds: this.mfaTokenTtl,
        // Another device's sign-in in progress keeps its own token.
        supersedes: [],
      });
      return { mfaRequired: true, mfaToken, methods: ['totp', 'recovery_code'] };
    }
    await this.lockout.recordSuccess(user);
    return this.issueSession(user, context);
  }

  /**
   * POST /auth/mfa/verify: the second step. The token allows MFA_TRIES tries within MFA_TOKEN_TTL and is used up
   * by the first good code; a wrong code counts toward lockout like a wrong password; each code works once.
   */
  async verifySecondFactor(
    { mfaToken, code, recoveryCode }: MfaVerifyDto,
    context: RequestContext,
  ): Promise<TokensDto> {
    const check = await this.oneTimeTokens.check(mfaToken, ['mfa']);
    if (check.status !== 'valid') throw mfaTokenInvalid();
    if (!(await this.oneTimeTokens.attempt(check.token, MFA_TRIES))) throw mfaTokenInvalid();
    const user = await this.users.findById(check.token.userId);
    if (!user) throw mfaTokenInvalid();
    if (user.disabled) throw accountDisabled();
    if (this.lockout.isLocked(user)) throw invalidMfaCodeAtSignIn();
    const factor = await this.mfa.verify(user.id, code ?? recoveryCode ?? '');
    if (!factor) {
      await this.lockout.recordFailure(user, context);
      await this.events.emit('login.failed', {
        userId: user.id,
        reason: 'wrong_mfa_code',
        context,
      });
      throw invalidMfaCodeAtSignIn();
    }
    if (!(await this.oneTimeTokens.use(check.token))) throw mfaTokenInvalid();
    await this.lockout.recordSuccess(user);
    if (factor === 'rcv') {
      await this.events.emit('mfa.recovery_code_used', {
        userId: user.id,
        email: user.email,
        remaining: await this.mfa.unusedRecoveryCodes(user.id),
        context,
      });
    }
    return this.issueSession(user, context, ['pwd', factor]);
  }

  /** Opens a session for an authenticated user and issues its first tokens: every sign-in ends here. */
  async issueSession(
    user: User,
    context: RequestContext,
    amr: readonly string[] = ['pwd'],
  ): Promise<TokensDto> {
    const issued = await this.sessions.open(user.id, context, amr);
    // Disabling sets the flag, then revokes the user's sessions. Checking the flag after opening the session means a
    // login racing a disable either sees the flag or has its session revoked: never a live session for a disabled
    // user. One statement usually does it: the last-login time, written only if the account is still enabled with
    // the roles read at sign-in. If it changed, the account is read again, and the tokens carry its current roles.
    let current: User | null = user;
    if (!(await this.users.touchLastLoginIfUnchanged(user))) {
      current = await this.users.findById(user.id);
      if (!current || current.disabled) {
        await this.sessions.revoke(issued.session, 'user_disabled');
        throw current ? accountDisabled() : invalidCredentials();
      }
      await this.users.touchLastLogin(user.id);
    }
    await this.events.emit('login.succeeded', {
      userId: user.id,
      sessionId: issued.session.id,
      context,
    });
    return this.tokensFor(current, { id: issued.session.id, amr }, issued.refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokensDto> {
    const { session, refreshToken: next } = await this.sessions.rotate(refreshToken);
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) {
      await this.sessions.revoke(session, 'user_disabled');
      throw accountDisabledOnRefresh();
    }
    return this.tokensFor(user, session, next);
  }

  async logout(principal: UserPrincipal, context?: RequestContext): Promise<void> {
    await this.sessions.revoke(
      { id: principal.sessionId, userId: principal.userId },
      'logout',
      context,
    );
  }

  async logoutAll(principal: UserPrincipal, context?: RequestContext): Promise<void> {
    await this.sessions.revokeAllForUser(principal.userId, 'logout_all', context);
  }

  private tokensFor(
    user: User,
    session: { id: string; amr: readonly string[] },
    refreshToken: string,
  ): TokensDto {
    return {
      accessToken: this.tokens.sign({
        userId: user.id,
        sessionId: session.id,
        roles: user.roles,
        amr: session.amr,
      }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTokenTtl,
    };
  }
}
