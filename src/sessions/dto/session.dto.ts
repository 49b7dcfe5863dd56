import { ApiProperty } from '@nestjs/swagger';
import type { Session } from '../session.entity';

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'The last login or refresh' })
  lastUsedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'The absolute end (SESSION_MAX_AGE)' })
  expiresAt!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ description: 'The session of the access token that asked' }) current!: boolean;

  static from(session: Session, currentSessionId: string | undefined): SessionDto {
    return {
      id: session.id,
      createdAt: new Date(session.createdAt).toISOString(),
      lastUsedAt: new Date(session.lastUsedAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      ip: session.ip,
      userAgent: session.userAgent,
      current: session.id === currentSessionId,
    };
  }
}
