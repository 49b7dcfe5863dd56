import { IsInt, Min } from 'class-validator';
import { defineSection } from '../config-section';
import { toInt } from '../env-transforms';

export class LockoutVariables {
  @Min(1) @IsInt() @toInt() LOCKOUT_THRESHOLD = 10;
  @Min(1) @IsInt() @toInt() LOCKOUT_DURATION = 60;
  @Min(1) @IsInt() @toInt() LOCKOUT_MAX_DURATION = 900;
}

export const lockoutSection = defineSection({
  variables: LockoutVariables,
  build: (env) => ({
    threshold: env.LOCKOUT_THRESHOLD,
    duration: env.LOCKOUT_DURATION,
    // A lock never lasts longer than this, whatever doubling says, so a lockout cannot shut a user out for good.
    maxDuration: Math.max(env.LOCKOUT_MAX_DURATION, env.LOCKOUT_DURATION),
  }),
});
