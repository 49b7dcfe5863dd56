import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../../access/scopes';
import type { ApiKey } from '../api-key.entity';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** What a client sees of a key: never its secret or hash. */
export class ApiKeyDto {
  @ApiProperty({ pattern: '^[0-9A-Za-z]{16}$', example: '3kTMd9aLq0ZpX7wB' }) id!: string;
  @ApiProperty({ example: 'CI deploys' }) name!: string;
  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    description: 'As made; a request holds only those its owner’s roles still allow',
  })
  scopes!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: never' })
  expiresAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The last request made with it, to the minute; null: never used',
  })
  lastUsedAt!: string | null;

  static from(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      scopes: [...key.scopes],
      createdAt: new Date(key.createdAt).toISOString(),
      expiresAt: iso(key.expiresAt),
      lastUsedAt: iso(key.lastUsedAt),
    };
  }
}
