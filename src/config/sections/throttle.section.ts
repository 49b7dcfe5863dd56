import { IsInt, Min } from 'class-validator';
import { defineSection } from '../config-section';
import { toInt } from '../env-transforms';

export class ThrottleVariables {
  @Min(1) @IsInt() @toInt() THROTTLE_LIMIT = 300;
  @Min(1) @IsInt() @toInt() THROTTLE_TTL = 60;
  @Min(1) @IsInt() @toInt() LOGIN_THROTTLE_LIMIT = 10;
}

export const throttleSection = defineSection({
  variables: ThrottleVariables,
  build: (env) => ({
    limit: env.THROTTLE_LIMIT,
    ttl: env.THROTTLE_TTL,
    loginLimit: env.LOGIN_THROTTLE_LIMIT,
  }),
});
