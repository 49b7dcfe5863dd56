import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';

/** One of the two, not both. */
const NotWithRecoveryCode = () =>
  ValidateBy({
    name: 'notWithRecoveryCode',
    validator: {
      validate: (_value: unknown, args) =>
        (args?.object as MfaVerifyDto).recoveryCode === undefined,
      defaultMessage: () => 'send code or recoveryCode, not both',
    },
  });

/** The answer to a correct password when two-factor is on: no tokens yet, a token for the second step. */
export class MfaChallengeDto {
  @ApiProperty({ enum: [true] }) mfaRequired!: true;

  @ApiProperty({
    description:
      'Send it with a code to POST /auth/mfa/verify within MFA_TOKEN_TTL seconds; single use, 5 tries. Not an access token.',
  })
  mfaToken!: string;

  @ApiProperty({ type: [String], example: ['totp', 'recovery_code'] })
  methods!: string[];
}

/** The second step: the token from the login answer and either a TOTP code or a recovery code. */
export class MfaVerifyDto {
  @ApiProperty({ minLength: 43, maxLength: 43, description: 'mfaToken from POST /auth/login' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'mfaToken is not one this server gave' })
  @IsString()
  mfaToken!: string;

  @ApiPropertyOptional({
    pattern: '^[0-9]{6}$',
    example: '123456',
    description: 'The current code of the authenticator app (or give recoveryCode)',
  })
  @ValidateIf((body: MfaVerifyDto) => body.recoveryCode === undefined || body.code !== undefined)
  @NotWithRecoveryCode()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits of the authenticator app' })
  @IsString()
  code?: string;

  @ApiPropertyOptional({
    maxLength: 32,
    example: 'K7QD-9M2X-HB4T',
    description: 'One of the recovery codes given when two-factor was turned on (or give code)',
  })
  @ValidateIf((body: MfaVerifyDto) => body.code === undefined || body.recoveryCode !== undefined)
  @MaxLength(32)
  @IsString()
  recoveryCode?: string;
}
