import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { KeysModule } from '../keys/keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AccessTokenResolver } from './access-token.resolver';
import { AccessTokenService } from './access-token.service';
import { VerifiedTokenCache } from './verified-token.cache';

/** Access tokens: issuing and verifying them, and the credential resolver that accepts them. */
@Module({
  imports: [KeysModule, SessionsModule, JwtModule.register({})],
  providers: [AccessTokenService, VerifiedTokenCache, AccessTokenResolver],
  exports: [AccessTokenService, AccessTokenResolver],
})
export class TokensModule {}
