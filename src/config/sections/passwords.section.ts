import { availableParallelism } from 'node:os';
import { IsInt, Max, Min } from 'class-validator';
import { defineSection } from '../config-section';
import { toInt } from '../env-transforms';

export class PasswordsVariables {
  @Max(64) @Min(8) @IsInt() @toInt() PASSWORD_MIN_LENGTH = 8;
  @Max(1024) @Min(64) @IsInt() @toInt() PASSWORD_MAX_LENGTH = 128;
  @Max(4194304) @Min(8192) @IsInt() @toInt() ARGON2_MEMORY_COST = 19456;
  @Max(20) @Min(1) @IsInt() @toInt() ARGON2_TIME_COST = 2;
  @Max(16) @Min(1) @IsInt() @toInt() ARGON2_PARALLELISM = 1;
  @Max(64) @Min(0) @IsInt() @toInt() ARGON2_MAX_CONCURRENCY = 0;
}

export const passwordsSection = defineSection({
  variables: PasswordsVariables,
  build: (env) => ({
    minLength: env.PASSWORD_MIN_LENGTH,
    maxLength: env.PASSWORD_MAX_LENGTH,
    argon2: {
      memoryCost: env.ARGON2_MEMORY_COST,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    },
    // One hashing process per core by default.
    maxConcurrentHashes: env.ARGON2_MAX_CONCURRENCY || availableParallelism(),
  }),
});
