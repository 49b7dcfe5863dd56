import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { MfaModule } from '../mfa/mfa.module';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { CurrentPasswordService } from './current-password.service';
import { LocalStrategy } from './local.strategy';
import { LockoutService } from './lockout.service';

/**
 * The sign-in flow: /auth/register, /auth/login (passport-local), /auth/refresh, /auth/logout(-all); lockout, and
 * the current-password check other modules ask before changing credentials.
 */
@Module({
  imports: [UsersModule, SessionsModule, PasswordsModule, TokensModule, PassportModule, MfaModule],
  controllers: [AuthController],
  providers: [AuthService, LocalStrategy, LockoutService, CurrentPasswordService],
  exports: [AuthService, LockoutService, CurrentPasswordService],
})
export class AuthModule {}
