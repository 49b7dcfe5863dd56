import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * RFC 7662 section 2.2. `{active: false}` alone for anything not live (revoked, expired, foreign, malformed, a
 * refresh token); the other members only for a live credential.
 */
export class IntrospectionDto {
  @ApiProperty({ description: 'whether the token is a live credential of this server' })
  active!: boolean;

  @ApiPropertyOptional({ description: 'the user id', format: 'uuid' })
  sub?: string;

  @ApiPropertyOptional({ description: 'the session id (access tokens)', format: 'uuid' })
  sid?: string;

  @ApiPropertyOptional({ description: 'the API key id (API keys)' })
  client_id?: string;

  @ApiPropertyOptional({ example: 'http://localhost:3000' })
  iss?: string;

  @ApiPropertyOptional({ example: 'portcullis' })
  aud?: string;

  @ApiPropertyOptional({ description: 'expiry, seconds since the epoch (access tokens)' })
  exp?: number;

  @ApiPropertyOptional({ description: 'issued at, seconds since the epoch (access tokens)' })
  iat?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  jti?: string;

  @ApiPropertyOptional({ enum: ['Bearer'] })
  token_type?: 'Bearer';

  @ApiPropertyOptional({ type: [String], example: ['user'] })
  roles?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['pwd'],
    description: 'how the session signed in',
  })
  amr?: string[];

  @ApiPropertyOptional({
    description: "the API key's scopes, space-separated (API keys only)",
    example: 'users:read',
  })
  scope?: string;
}
