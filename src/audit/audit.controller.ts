import { Controller, Get, HttpCode, HttpStatus, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { CurrentPrincipal } from '../access/current-principal.decorator';
import type { Principal } from '../access/principal';
import { AuditService } from './audit.service';
import { EventsPageDto } from './dto/event.dto';
import { EventsQueryDto } from './dto/events-query.dto';

@ApiTags('users')
@Authenticated({ scopes: ['users:read'] })
@Controller('users/me/events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "The caller's account events (sign-ins, changes, revocations), newest first",
  })
  @ApiOkResponse({ type: EventsPageDto })
  events(
    @CurrentPrincipal() principal: Principal,
    @Query() query: EventsQueryDto,
  ): Promise<EventsPageDto> {
    return this.audit.page(principal.userId, query.limit, query.cursor);
  }
}
