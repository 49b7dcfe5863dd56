import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { UserPrincipal } from '../access/principal';
import { isUuid } from '../common/ids';
import { ApiErrors } from '../http/api-errors.decorator';
import { requestContext } from '../http/request-context';
import { SessionDto } from './dto/session.dto';
import { sessionNotFound } from './sessions.errors';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Authenticated()
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "The caller's live sessions, most recently used first" })
  @ApiOkResponse({ type: [SessionDto] })
  async list(@CurrentPrincipal() principal: UserPrincipal): Promise<SessionDto[]> {
    const sessions = await this.sessions.listActive(principal.userId);
    return sessions.map((session) => SessionDto.from(session, principal.sessionId));
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one of the caller’s sessions (its refresh and access tokens)' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 404: 'not_found: no live session of the caller has this id' })
  async revoke(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const revoked =
      isUuid(id) && (await this.sessions.revokeOwn(principal.userId, id, requestContext(request)));
    if (!revoked) throw sessionNotFound();
  }
}
