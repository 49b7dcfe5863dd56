import { IsOptional, IsString, Matches } from 'class-validator';
import { defineSection } from '../config-section';
import { trimmed } from '../env-transforms';

export class RedisVariables {
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  @IsString()
  @trimmed()
  REDIS_URL?: string;
  @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, {
    message: 'REDIS_PREFIX must be 1 to 64 letters, digits or ":_.-", e.g. portcullis:',
  })
  @IsString()
  @trimmed()
  REDIS_PREFIX = 'portcullis:';
}

export const redisSection = defineSection({
  variables: RedisVariables,
  build: (env) => ({ url: env.REDIS_URL, prefix: env.REDIS_PREFIX }),
});
