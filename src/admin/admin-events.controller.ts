import { Controller, Get, HttpCode, HttpStatus, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { AuditService } from '../audit/audit.service';
import { EventsPageDto } from '../audit/dto/event.dto';
import { invalidQuery } from './admin.errors';
import { AdminEventsQueryDto } from './dto/admin-events-query.dto';

/** An ISO 8601 instant as epoch ms; 400 for one that names no representable instant. */
function instant(field: 'since' | 'until', value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw invalidQuery(field, `${field} must be an ISO 8601 date-time`);
  return ms;
}

@ApiTags('admin')
@Controller('admin/events')
export class AdminEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ roles: ['admin'], scopes: ['admin:read'] })
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "Every account's events, newest first; an administrator's action is filed under its target, with the administrator as actorId",
  })
  @ApiOkResponse({ type: EventsPageDto })
  events(@Query() query: AdminEventsQueryDto): Promise<EventsPageDto> {
    return this.audit.search(
      {
        userId: query.userId,
        type: query.type,
        since: instant('since', query.since),
        until: instant('until', query.until),
      },
      query.limit,
      query.cursor,
    );
  }
}
