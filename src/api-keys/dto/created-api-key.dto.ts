import { ApiProperty } from '@nestjs/swagger';
import type { ApiKey } from '../api-key.entity';
import { ApiKeyDto } from './api-key.dto';

/** A new key, with the one and only showing of the key itself. */
export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    pattern: '^pck_[0-9A-Za-z]{16}_[0-9A-Za-z]{43}$',
    example: 'pck_3kTMd9aLq0ZpX7wB_q8Xr2VbN4mC7dK1sT6yH9jL0pW3eR5uA2gF8zQ4nM7o',
    description:
      'Shown only here: keep it secret. Send it as "Authorization: Bearer <key>", or as HTTP Basic with the id as user name and the part after the second "_" as password',
  })
  key!: string;

  static withKey(row: ApiKey, key: string): CreatedApiKeyDto {
    const { id, name, ...rest } = ApiKeyDto.from(row);
    return { id, name, key, ...rest };
  }
}
