import { HttpStatus, Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { ErrorCode } from '../common/errors/error-code';
import type { Principal } from '../common/principal';
import { SessionMetadata, SessionsService } from '../sessions/sessions.service';
import { UserDto } from '../users/dto/user.dto';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import type { RegisterDto } from './dto/register.dto';
import type { TokensDto } from './dto/tokens.dto';
import { PasswordService } from './password.service';
import { TokenService } from './token.service';

/** The one answer to every failed login, whatever the cause. */
export const invalidCredentials = () =>
  new AppException(
    HttpStatus.UNAUTHORIZED,
    ErrorCode.InvalidCredentials,
    'email or password is incorrect',
  );

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
  ) {}

  async register({ email, password, name }: RegisterDto): Promise<UserDto> {
    this.passwords.checkPolicy(password, email);
    const passwordHash = await this.passwords.hash(password);
    return UserDto.from(await this.users.create({ email, passwordHash, name }));
  }

  /**
   * The user these credentials belong to, or 401 `invalid_credentials`. Unknown emails cost one argon2
   * verification too, so neither the answer nor its timing tells whether an account exists.
   */
  async validateCredentials(email: string, password: string): Promise<User> {
    const user = await this.users.findByEmail(email);
    if (!user) {
      await this.passwords.verifyAgainstDummy(password);
      throw invalidCredentials();
    }
    const check = await this.passwords.verify(user.passwordHash, password);
    if (!check.ok || user.disabled) throw invalidCredentials();
    if (check.needsRehash) {
      await this.users.updatePasswordHash(user.id, await this.passwords.hash(password));
    }
    return user;
  }

  /** Opens a session for an authenticated user and issues its first tokens (login, and later a second factor). */
  async issueSession(user: User, metadata: SessionMetadata): Promise<TokensDto> {
    const issued = await this.sessions.open(user.id, metadata);
    // Disabling sets the flag, then revokes the user's sessions. Reading the flag after opening the session means a
    // login racing a disable either sees the flag or has its session revoked: never a live session for a disabled
    // user.
    const current = await this.users.findById(user.id);
    if (!current || current.disabled) {
      await this.sessions.revoke(issued.session.id, 'user_disabled');
      throw invalidCredentials();
    }
    return this.tokensFor(current, issued.session.id, issued.refreshToken);
  }

  async refresh(refreshToken: string): Promise<TokensDto> {
    const { session, refreshToken: next } = await this.sessions.rotate(refreshToken);
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) {
      await this.sessions.revoke(session.id, 'user_disabled');
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.SessionRevoked,
        'the account is disabled; the session was revoked',
      );
    }
    return this.tokensFor(user, session.id, next);
  }

  async logout(principal: Principal): Promise<void> {
    await this.sessions.revoke(principal.sessionId, 'logout');
  }

  async logoutAll(principal: Principal): Promise<void> {
    await this.sessions.revokeAllForUser(principal.userId, 'logout_all');
  }

  private tokensFor(user: User, sessionId: string, refreshToken: string): TokensDto {
    return {
      accessToken: this.tokens.signAccessToken({ userId: user.id, sessionId, roles: user.roles }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTokenTtl,
    };
  }
}
