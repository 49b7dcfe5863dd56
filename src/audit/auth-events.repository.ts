import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { insertRow } from '../database/row-insert';
import { AuthEvent } from './auth-event.entity';

/** A position in a user's events, newest first: the last event of the page before. */
export interface EventCursor {
  at: number;
  id: string;
}

/** What an administrator looks for in the audit trail; `since` inclusive, `until` exclusive (epoch ms). */
export interface EventSearch {
  userId?: string;
  type?: string;
  since?: number;
  until?: number;
}

@Injectable()
export class AuthEventsRepository {
  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  async insert(event: AuthEvent): Promise<void> {
    await insertRow(this.events.manager, AuthEvent, event);
  }

  /** A user's events, newest first, after `cursor`: one indexed range scan (user_id, at, id). */
  page(userId: string, limit: number, cursor?: EventCursor): Promise<AuthEvent[]> {
    const query = this.events
      .createQueryBuilder('event')
      .where('event.user_id = :userId', { userId })
      .orderBy('event.at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(limit);
    if (cursor) {
      query.andWhere('(event.at < :at OR (event.at = :at AND event.id < :id))', cursor);
    }
    return query.getMany();
  }

  /**
   * Every user's events, newest first, filtered: by user (index user_id, at, id), by type (index type, at, id), by
   * a time range (index at), after `cursor`.
   */
  search(filter: EventSearch, limit: number, cursor?: EventCursor): Promise<AuthEvent[]> {
    const query = this.events
      .createQueryBuilder('event')
      .orderBy('event.at', 'DESC')
      .addOrderBy('event.id', 'DESC')
      .take(limit);
    if (filter.userId) query.andWhere('event.user_id = :userId', filter);
    if (filter.type) query.andWhere('event.type = :type', filter);
    if (filter.since !== undefined) query.andWhere('event.at >= :since', filter);
    if (filter.until !== undefined) query.andWhere('event.at < :until', filter);
    if (cursor) {
      query.andWhere('(event.at < :at OR (event.at = :at AND event.id < :id))', cursor);
    }
    return query.getMany();
  }

  /** Deletes up to `limit` events older than `before`. */
  async deleteOlderThan(before: number, limit: number): Promise<number> {
    const rows = await this.events.find({
      select: { id: true },
      where: { at: LessThan(before) },
      take: limit,
    });
    if (rows.length === 0) return 0;
    await this.events.delete({ id: In(rows.map((row) => row.id)) });
    return rows.length;
  }
}
