import {
  Body,
  Controller,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  SetMetadata,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import {
  API_KEY_BASIC_SCHEME,
  API_KEY_SCHEME,
  AUTHENTICATED_KEY,
  type AuthenticatedOptions,
} from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import type { Scope } from '../access/scopes';
import { Public } from '../access/public.decorator';
import { requestContext } from '../http/request-context';
import { IntrospectionDto } from './dto/introspection.dto';
import { ApiOAuthErrors, ApiTokenRequestBody } from './oauth-api.decorators';
import { introspectionNeedsApiKey } from './oauth.errors';
import { readTokenRequest } from './token-request';
import { TokenInspectionService } from './token-inspection.service';

const INTROSPECTION_SCOPES: Scope[] = ['tokens:introspect'];
const INTROSPECTION: AuthenticatedOptions = { scopes: INTROSPECTION_SCOPES };

/**
 * RFC 7662 introspection and RFC 7009 revocation, for other services. Both speak the RFCs: form-encoded (or JSON)
 * bodies, errors as `{error, error_description}`.
 */
@ApiTags('oauth')
@Controller('oauth')
export class OAuthController {
  constructor(private readonly inspection: TokenInspectionService) {}

  @Post('introspect')
  // Not rate limited: resource servers introspect on their own requests, and only holders of an introspection
  // key get past the guard.
  @SkipThrottle()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  // The AccessGuard and ScopesGuard read these options; the errors are documented in the RFCs' form below.
  @SetMetadata(AUTHENTICATED_KEY, INTROSPECTION)
  // Listed bottom-up: Bearer first, as on every other route that takes keys.
  @ApiSecurity(API_KEY_BASIC_SCHEME, INTROSPECTION_SCOPES)
  @ApiSecurity(API_KEY_SCHEME, INTROSPECTION_SCOPES)
  @ApiOperation({
    summary: 'Is this token live, and whose is it? (RFC 7662)',
    description:
      'For resource servers, with an API key holding tokens:introspect (Bearer or Basic). Access tokens and API ' +
      'keys that are live get `active: true` and their facts; anything else (revoked, expired, foreign, malformed, ' +
      'a refresh token) gets `{"active": false}` alone.',
  })
  @ApiTokenRequestBody()
  @ApiOkResponse({ type: IntrospectionDto })
  @ApiOAuthErrors({
    401: 'invalid_client: no API key, a wrong or revoked one, or a user access token (see WWW-Authenticate)',
    403: 'insufficient_scope: the API key lacks tokens:introspect',
  })
  introspect(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
  ): Promise<IntrospectionDto> {
    if (caller.kind !== 'api_key') throw introspectionNeedsApiKey();
    return this.inspection.introspect(readTokenRequest(body).token);
  }

  @Public()
  @Post('revoke')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Revoke a token (RFC 7009)',
    description:
      'A refresh or access token ends its session; an API key is deleted (whoever holds a leaked key can revoke ' +
      'it). The answer is 200 with an empty body whether or not the token was known or still live.',
  })
  @ApiTokenRequestBody()
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke' })
  @ApiOAuthErrors()
  async revoke(@Body() body: unknown, @Req() request: FastifyRequest): Promise<void> {
    await this.inspection.revoke(readTokenRequest(body).token, requestContext(request));
  }
}
