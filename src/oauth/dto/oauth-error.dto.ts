import { ApiProperty } from '@nestjs/swagger';

/** RFC 6749 section 5.2: how /oauth/* answers errors. */
export class OAuthErrorDto {
  @ApiProperty({
    enum: [
      'invalid_request',
      'invalid_client',
      'insufficient_scope',
      'access_denied',
      'temporarily_unavailable',
      'server_error',
    ],
  })
  error!: string;

  @ApiProperty({ example: 'the parameter token is missing' })
  error_description!: string;
}
