import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { KeysModule } from '../keys/keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { ForwardAuthController } from './forward-auth.controller';
import { OAuthMetadataController } from './oauth-metadata.controller';
import { OAuthController } from './oauth.controller';
import { TokenInspectionService } from './token-inspection.service';

/**
 * For other services: RFC 8414 metadata, RFC 7662 introspection, RFC 7009 revocation, and forward-auth for API
 * gateways (GET /auth/forward).
 */
@Module({
  imports: [TokensModule, SessionsModule, ApiKeysModule, KeysModule],
  controllers: [OAuthMetadataController, OAuthController, ForwardAuthController],
  providers: [TokenInspectionService],
})
export class OAuthModule {}
