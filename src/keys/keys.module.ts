import { Module } from '@nestjs/common';
import { JwksController } from './jwks.controller';
import { KeyEncryptionService } from './key-encryption.service';
import { SigningKeysService } from './signing-keys.service';

/** The access-token signing key, the JWKS that publishes its public part, and the encryption of secrets at rest. */
@Module({
  controllers: [JwksController],
  providers: [SigningKeysService, KeyEncryptionService],
  exports: [SigningKeysService, KeyEncryptionService],
})
export class KeysModule {}
