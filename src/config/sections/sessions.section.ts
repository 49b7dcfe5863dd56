import { IsInt, Max, Min } from 'class-validator';
import { defineSection } from '../config-section';
import { toInt } from '../env-transforms';

export class SessionsVariables {
  @Min(60) @IsInt() @toInt() REFRESH_TOKEN_TTL = 2592000;
  @Min(60) @IsInt() @toInt() SESSION_MAX_AGE = 7776000;
  @Max(300) @Min(0) @IsInt() @toInt() REFRESH_REUSE_GRACE = 10;
}

export const sessionsSection = defineSection({
  variables: SessionsVariables,
  build: (env) => ({
    refreshTokenTtl: env.REFRESH_TOKEN_TTL,
    maxAge: env.SESSION_MAX_AGE,
    reuseGrace: env.REFRESH_REUSE_GRACE,
  }),
});
