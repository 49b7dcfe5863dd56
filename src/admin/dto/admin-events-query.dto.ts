import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { CursorQuery, LimitQuery } from '../../http/page-query';

export class AdminEventsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Events about this account' })
  @IsOptional()
  @IsUUID('all', { message: 'userId must be a UUID' })
  userId?: string;

  @ApiPropertyOptional({ example: 'login.failed', maxLength: 40, pattern: '^[a-z_.]{1,40}$' })
  @IsOptional()
  @Matches(/^[a-z_.]{1,40}$/, { message: 'type must be an event type such as login.failed' })
  @IsString()
  type?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'From this instant (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 date-time' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date-time' })
  until?: string;

  @LimitQuery() limit?: number;
  @CursorQuery() cursor?: string;
}
