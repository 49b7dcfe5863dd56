import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { AuthEvent } from './auth-event.entity';

/** A position in a user's events, newest first: the last event of the page before. */
export interface EventCursor {
  at: number;
  id: string;
}

@Injectable()
export class AuthEventsRepository {
  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  async insert(event: AuthEvent): Promise<void> {
    await this.events.insert(event);
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
