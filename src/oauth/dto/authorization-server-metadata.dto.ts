import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 8414 section 2, for what this server offers other services: keys, introspection, revocation. */
export class AuthorizationServerMetadataDto {
  @ApiProperty({
    example: 'http://localhost:3000',
    description: 'JWT_ISSUER: the `iss` of every access token',
  })
  issuer!: string;

  @ApiProperty({ example: 'http://localhost:3000/.well-known/jwks.json' })
  jwks_uri!: string;

  @ApiProperty({ example: 'http://localhost:3000/oauth/introspect' })
  introspection_endpoint!: string;

  @ApiProperty({ type: [String], example: ['client_secret_basic', 'bearer'] })
  introspection_endpoint_auth_methods_supported!: string[];

  @ApiProperty({ example: 'http://localhost:3000/oauth/revoke' })
  revocation_endpoint!: string;

  @ApiProperty({ type: [String], example: ['none'] })
  revocation_endpoint_auth_methods_supported!: string[];

  @ApiProperty({
    type: [String],
    example: ['ES256'],
    description: 'algorithms access tokens are signed with (the keys of the JWKS)',
  })
  access_token_signing_alg_values_supported!: string[];

  @ApiProperty({ type: [String], example: ['users:read', 'tokens:introspect'] })
  scopes_supported!: string[];

  @ApiProperty({
    type: [String],
    example: [],
    description: 'none: this server has no authorization endpoint (sign-in is its own REST API)',
  })
  response_types_supported!: string[];

  @ApiPropertyOptional({ example: 'http://localhost:3000/docs' })
  service_documentation?: string;
}
