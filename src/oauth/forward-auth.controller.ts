import { Controller, Get, Header, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { ForwardAuthDto } from './dto/forward-auth.dto';

/**
 * Forward authentication for API gateways (nginx `auth_request`, Traefik ForwardAuth, Caddy `forward_auth`): the
 * gateway passes the client's Authorization header; 200 with the caller in X-Auth-* headers lets the request through,
 * 401 stops it. Any valid credential passes, an API key whatever its scopes: the gateway or the upstream decides
 * what the caller may do. Not rate limited: the gateway calls it on every request of every client.
 */
@ApiTags('auth')
@SkipThrottle()
@Controller('auth')
export class ForwardAuthController {
  @Get('forward')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ anyApiKey: true })
  @ApiOperation({
    summary: 'Who is calling? For API gateways (forward-auth)',
    description:
      'Answers 200 with X-Auth-User-Id, X-Auth-Roles and X-Auth-Scopes (comma-separated) for a live access token ' +
      'or API key, and 401 otherwise.',
  })
  @ApiOkResponse({
    type: ForwardAuthDto,
    headers: {
      'X-Auth-User-Id': { description: 'the user id', schema: { type: 'string' } },
      'X-Auth-Roles': { description: 'roles, comma-separated', schema: { type: 'string' } },
      'X-Auth-Scopes': { description: 'scopes, comma-separated', schema: { type: 'string' } },
    },
  })
  forward(
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ForwardAuthDto {
    void reply
      .header('x-auth-user-id', caller.userId)
      .header('x-auth-roles', caller.roles.join(','))
      .header('x-auth-scopes', caller.scopes.join(','));
    return { userId: caller.userId, kind: caller.kind, roles: caller.roles, scopes: caller.scopes };
  }
}
