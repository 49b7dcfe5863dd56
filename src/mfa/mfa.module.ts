import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { MfaRepository } from './mfa.repository';
import { MfaService } from './mfa.service';
import { RecoveryCode } from './recovery-code.entity';
import { TotpFactor } from './totp-factor.entity';

/**
 * Two-factor factors: TOTP secrets and recovery codes. The sign-in step is auth/'s (POST /auth/mfa/verify); the
 * routes that turn it on and off are account/'s, which confirm the password first.
 */
@Module({
  imports: [TypeOrmModule.forFeature([TotpFactor, RecoveryCode]), KeysModule],
  providers: [MfaRepository, MfaService],
  exports: [MfaService],
})
export class MfaModule {}
