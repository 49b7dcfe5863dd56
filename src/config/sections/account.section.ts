import { IsIn, IsInt, Min } from 'class-validator';
import { defineSection } from '../config-section';
import { toInt, trimmed } from '../env-transforms';

export class AccountVariables {
  @IsIn(['true', 'false']) @trimmed() REQUIRE_EMAIL_VERIFICATION: 'true' | 'false' = 'false';
  @Min(1) @IsInt() @toInt() EMAIL_VERIFICATION_TTL = 86400;
  @Min(1) @IsInt() @toInt() PASSWORD_RESET_TTL = 1800;
  @Min(1) @IsInt() @toInt() AUDIT_RETENTION_DAYS = 90;
  @Min(1) @IsInt() @toInt() MFA_TOKEN_TTL = 300;
}

export const accountSection = defineSection({
  variables: AccountVariables,
  build: (env) => ({
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION === 'true',
    emailVerificationTtl: env.EMAIL_VERIFICATION_TTL,
    passwordResetTtl: env.PASSWORD_RESET_TTL,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    mfaTokenTtl: env.MFA_TOKEN_TTL,
  }),
});
