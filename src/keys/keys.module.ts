import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JwksController } from './jwks.controller';
import { KeyEncryptionService } from './key-encryption.service';
import { SigningKeyRow } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

/**
 * The access-token signing keys (managed in the signing_keys table and rotated, or one static key), the JWKS that
 * publishes their public parts, and the encryption of secrets at rest.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SigningKeyRow])],
  controllers: [JwksController],
  providers: [SigningKeysRepository, SigningKeysService, KeyEncryptionService],
  exports: [SigningKeysService, KeyEncryptionService],
})
export class KeysModule {}
