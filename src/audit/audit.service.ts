import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { decodePageCursor, encodePageCursor } from '../common/page-cursor';
import { AppConfigService } from '../config';
import { badCursor } from './audit.errors';
import { AuthEventsRepository, type EventCursor, type EventSearch } from './auth-events.repository';
import type { AuthEvent } from './auth-event.entity';
import { EventDto, type EventsPageDto } from './dto/event.dto';

function decodeCursor(cursor: string): EventCursor {
  const position = decodePageCursor(cursor);
  if (!position) throw badCursor();
  return { at: position.position, id: position.id };
}

/** The audit trail: a user's own events, newest first, and their retention. */
@Injectable()
export class AuditService {
  private readonly retentionMs: number;

  constructor(
    private readonly events: AuthEventsRepository,
    private readonly clock: Clock,
    config: AppConfigService,
  ) {
    this.retentionMs = config.section('account').auditRetentionDays * 86_400_000;
  }

  /** A user's own events, newest first. */
  page(userId: string, limit = 20, cursor?: string): Promise<EventsPageDto> {
    return this.pageOf(limit, cursor, (take, after) => this.events.page(userId, take, after));
  }

  /** Every account's events, filtered, newest first (the admin API). */
  search(filter: EventSearch, limit = 20, cursor?: string): Promise<EventsPageDto> {
    return this.pageOf(limit, cursor, (take, after) => this.events.search(filter, take, after));
  }

  private async pageOf(
    limit: number,
    cursor: string | undefined,
    read: (take: number, after?: EventCursor) => Promise<AuthEvent[]>,
  ): Promise<EventsPageDto> {
    const rows = await read(limit + 1, cursor ? decodeCursor(cursor) : undefined);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((event) => EventDto.from(event)),
      nextCursor:
        rows.length > limit && last ? encodePageCursor({ position: last.at, id: last.id }) : null,
    };
  }

  /** Deletes up to `limit` events older than AUDIT_RETENTION_DAYS. */
  purgeExpired(limit: number): Promise<number> {
    return this.events.deleteOlderThan(this.clock.now() - this.retentionMs, limit);
  }
}
