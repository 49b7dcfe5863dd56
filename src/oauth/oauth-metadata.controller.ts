import { Controller, Get, Header, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/public.decorator';
import { SCOPES } from '../access/scopes';
import { AppConfigService } from '../config';
import { DOCS_PATH } from '../http/swagger';
import { SigningKeysService } from '../keys/signing-keys.service';
import { AuthorizationServerMetadataDto } from './dto/authorization-server-metadata.dto';

/** RFC 8414 metadata: where other services find the keys, introspection and revocation. */
@ApiTags('oauth')
@Public()
@Controller('.well-known')
export class OAuthMetadataController {
  private readonly metadata: Omit<
    AuthorizationServerMetadataDto,
    'access_token_signing_alg_values_supported'
  >;

  constructor(
    config: AppConfigService,
    private readonly keys: SigningKeysService,
  ) {
    const base = config.section('mail').publicUrl;
    this.metadata = {
      issuer: config.section('tokens').issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      introspection_endpoint: `${base}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'bearer'],
      revocation_endpoint: `${base}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: ['none'],
      scopes_supported: [...SCOPES],
      response_types_supported: [],
      ...(config.section('http').docsEnabled
        ? { service_documentation: `${base}${DOCS_PATH}` }
        : {}),
    };
  }

  @Get('oauth-authorization-server')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  get(): AuthorizationServerMetadataDto {
    return { ...this.metadata, access_token_signing_alg_values_supported: this.keys.algorithms };
  }
}
