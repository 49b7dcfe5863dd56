import { Controller, Get, Headers, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../access/public.decorator';
import { SigningKeysService, type PublicJwk } from './signing-keys.service';

/** Whether an If-None-Match header names this entity tag (`*`, a list, weak or strong: RFC 9110 section 13.1.2). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Public()
  @Get('jwks.json')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Public keys that verify access tokens (RFC 7517)',
    description:
      'The current signing key, the next one (published before it signs) and the previous ones (until every token ' +
      'they signed has expired). Cacheable for 5 minutes; revalidate with If-None-Match.',
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'an ETag of an earlier answer',
  })
  @ApiOkResponse({
    description: 'JWK set: public keys only, each with kid, alg and use',
    schema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object' } } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified: the ETag sent is still the current one' })
  jwks(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): { keys: PublicJwk[] } | undefined {
    const { body, etag } = this.keys.jwks;
    reply.header('Cache-Control', 'public, max-age=300').header('ETag', etag);
    if (matchesEtag(ifNoneMatch, etag)) {
      reply.status(HttpStatus.NOT_MODIFIED);
      return undefined;
    }
    return body;
  }
}
