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
import {
  accountDisabled,
  accountDisabledOnRefresh,
  emailNotVerified,
  invalidCredentials,
} from './auth.errors';
import { LockoutService } from './lockout.service';
import type { RegisterDto } from './dto/register.dto';
import type { TokensDto } from './dto/tokens.dto';

/** The sign-in flow: register, check credentials, open a session and issue its tokens, refresh, log out. */
@Injectable()
export class AuthService {
  private readonly requireEmailVerification: boolean;

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: AccessTokenService,
    private readonly events: DomainEvents,
    private readonly lockout: LockoutService,
    config: AppConfigService,
  ) {
    this.requireEmailVerification = config.get('account', { infer: true }).requireEmailVerification;
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
    await this.lockout.recordSuccess(user);
    if (check.needsRehash) {
      await this.users.updatePasswordHash(user.id, await this.passwords.hash(password));
    }
    return user;
  }

  /** Opens a session for an authenticated user and issues its first tokens (login, and later a second factor). */
  async issueSession(user: User, context: RequestContext): Promise<TokensDto> {
    const issued = await this.sessions.open(user.id, context);
    // Disabling sets the flag, then revokes the user's sessions. Reading the flag after opening the session means a
    // login racing a disable either sees the flag or has its session revoked: never a live session for a disabled
    // user.
    const current = await this.users.findById(user.id);
    if (!current || current.disabled) {
      await this.sessions.revoke(issued.session, 'user_disabled');
      throw current ? accountDisabled() : invalidCredentials();
    }
    await this.users.touchLastLogin(user.id);
    await this.events.emit('login.succeeded', {
      userId: user.id,
      sessionId: issued.session.id,
      context,
    });
    return this.tokensFor(current, issued.session.id, issued.refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokensDto> {
    const { session, refreshToken: next } = await this.sessions.rotate(refreshToken);
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) {
      await this.sessions.revoke(session, 'user_disabled');
      throw accountDisabledOnRefresh();
    }
    return this.tokensFor(user, session.id, next);
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

  private tokensFor(user: User, sessionId: string, refreshToken: string): TokensDto {
    return {
      accessToken: this.tokens.sign({ userId: user.id, sessionId, roles: user.roles }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTokenTtl,
    };
  }
}
