import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class TotpCodeDto {
  @ApiProperty({
    pattern: '^[0-9]{6}$',
    example: '123456',
    description: 'A code of the authenticator app',
  })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits of the authenticator app' })
  @IsString()
  code!: string;
}

export class PasswordAndCodeDto {
  @ApiProperty({ description: 'The current password', minLength: 1, maxLength: 4096 })
  @MaxLength(4096)
  @MinLength(1)
  @IsString()
  password!: string;

  @ApiProperty({
    minLength: 6,
    maxLength: 32,
    example: '123456',
    description: 'A code of the authenticator app, or an unused recovery code',
  })
  @MaxLength(32)
  @MinLength(6)
  @IsString()
  code!: string;
}

export class TotpSetupDto {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'Base32, for typing into the app',
  })
  secret!: string;

  @ApiProperty({
    example:
      'otpauth://totp/Portcullis:ada%40example.com?issuer=Portcullis&secret=…&algorithm=SHA1&digits=6&period=30',
    description: 'The same secret as a URL; issuer APP_NAME, label the email',
  })
  otpauthUrl!: string;

  @ApiProperty({
    example: 'data:image/png;base64,iVBORw0KGgo…',
    description: 'otpauthUrl as a QR code (PNG data URL)',
  })
  qrCode!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    example: ['K7QD-9M2X-HB4T'],
    description: '10 single-use codes, shown this once: keep them somewhere safe',
  })
  recoveryCodes!: string[];
}
