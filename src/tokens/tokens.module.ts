import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { AccessTokenResolver } from './access-token.resolver';
import { AccessTokenService } from './access-token.service';
import { OneTimeToken } from './one-time-token.entity';
import { OneTimeTokensCleanupJob } from './one-time-tokens-cleanup.job';
import { OneTimeTokensRepository } from './one-time-tokens.repository';
import { OneTimeTokensService } from './one-time-tokens.service';
import { VerifiedTokenCache } from './verified-token.cache';

/**
 * Tokens: access tokens (issuing, verifying, and the credential resolver that accepts them) and the single-use
 * tokens mailed for email verification, email change and password reset.
 */
@Module({
  imports: [
    KeysModule,
    SessionsModule,
    JwtModule.register({}),
    TypeOrmModule.forFeature([OneTimeToken]),
  ],
  providers: [
    AccessTokenService,
    VerifiedTokenCache,
    AccessTokenResolver,
    OneTimeTokensRepository,
    OneTimeTokensService,
    OneTimeTokensCleanupJob,
  ],
  exports: [AccessTokenService, AccessTokenResolver, OneTimeTokensService],
})
export class TokensModule {}
