import { IsOptional, IsString, Matches } from 'class-validator';
import { defineSection } from '../config-section';
import { trimmed } from '../env-transforms';

export class RedisVariables {
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  @IsString()
  @trimmed()
  REDIS_URL?: string;
}

export const redisSection = defineSection({
  variables: RedisVariables,
  build: (env) => ({ url: env.REDIS_URL }),
});
