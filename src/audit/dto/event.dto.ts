import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuthEvent } from '../auth-event.entity';

export class EventDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'login.succeeded' }) type!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true }) sessionId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Who acted, when not the user' })
  actorId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event’s other facts',
  })
  detail!: Record<string, unknown>;

  static from(event: AuthEvent): EventDto {
    return {
      id: event.id,
      type: event.type,
      at: new Date(event.at).toISOString(),
      ip: event.ip,
      userAgent: event.userAgent,
      sessionId: event.sessionId,
      actorId: event.actorId,
      detail: JSON.parse(event.detail) as Record<string, unknown>,
    };
  }
}

export class EventsPageDto {
  @ApiProperty({ type: [EventDto] }) items!: EventDto[];
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Pass as ?cursor= for the next (older) page; null on the last page',
  })
  nextCursor!: string | null;
}
