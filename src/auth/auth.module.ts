import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { PasswordsModule } from '../passwords/passwords.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LocalStrategy } from './local.strategy';

/** The sign-in flow: /auth/register, /auth/login (passport-local), /auth/refresh, /auth/logout(-all). */
@Module({
  imports: [UsersModule, SessionsModule, PasswordsModule, TokensModule, PassportModule],
  controllers: [AuthController],
  providers: [AuthService, LocalStrategy],
  exports: [AuthService],
})
export class AuthModule {}
