import { ApiProperty } from '@nestjs/swagger';

/** The caller of GET /auth/forward; the same facts go in the X-Auth-* headers, which gateways copy upstream. */
export class ForwardAuthDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({
    enum: ['user', 'api_key'],
    description: 'a user session (access token) or an API key',
  })
  kind!: 'user' | 'api_key';

  @ApiProperty({ type: [String], example: ['user'] })
  roles!: string[];

  @ApiProperty({ type: [String], example: ['users:read', 'users:write'] })
  scopes!: string[];
}
