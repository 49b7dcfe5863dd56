import { ApiProperty } from '@nestjs/swagger';

export class TokensDto {
  @ApiProperty({ description: 'JWT (ES256, typ at+jwt) to send as Authorization: Bearer <token>' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque; exchange it at POST /auth/refresh. Shown once.' })
  refreshToken!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({
    type: 'integer',
    description: 'Seconds until the access token expires',
    example: 900,
  })
  expiresIn!: number;
}
