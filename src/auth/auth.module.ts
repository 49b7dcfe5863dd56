import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwksController } from './jwks.controller';
import { JwtStrategy } from './jwt.strategy';
import { KeysService } from './keys.service';
import { LocalStrategy } from './local.strategy';
import { PasswordService } from './password.service';
import { PrincipalService } from './principal.service';
import { TokenService } from './token.service';
import { VerifiedTokenCache } from './verified-token.cache';

@Module({
  imports: [UsersModule, SessionsModule, PassportModule, JwtModule.register({})],
  controllers: [AuthController, JwksController],
  providers: [
    AuthService,
    KeysService,
    TokenService,
    PasswordService,
    PrincipalService,
    VerifiedTokenCache,
    LocalStrategy,
    JwtStrategy,
  ],
  exports: [PrincipalService, VerifiedTokenCache, KeysService, TokenService],
})
export class AuthModule {}
