import { Module } from '@nestjs/common';
import { ThrottlerModule, type ThrottlerStorage } from '@nestjs/throttler';
import { AppConfigService } from '../config';
import { RedisConnection } from '../redis/redis.connection';
import { isLoginRateLimited, LOGIN_THROTTLER } from './app-throttler.guard';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** Where the counters live: in Redis, shared by every instance, when REDIS_URL is set; in this process otherwise. */
const COUNTERS = Symbol('COUNTERS');

@Module({
  providers: [
    FixedWindowThrottlerStorage,
    {
      provide: COUNTERS,
      inject: [RedisConnection, FixedWindowThrottlerStorage],
      useFactory: (
        redis: RedisConnection,
        memory: FixedWindowThrottlerStorage,
      ): ThrottlerStorage => (redis.configured ? new RedisThrottlerStorage(redis, memory) : memory),
    },
  ],
  exports: [COUNTERS],
})
class ThrottlerStorageModule {}

/**
 * Rate limits: THROTTLE_LIMIT per THROTTLE_TTL for every client, LOGIN_THROTTLE_LIMIT per minute on login; counted
 * across instances with REDIS_URL.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [AppConfigService, COUNTERS],
      useFactory: (config: AppConfigService, storage: ThrottlerStorage) => {
        const { limit, ttl, loginLimit } = config.section('throttle');
        return {
          storage,
          // Retry-After on a 429 is the error filter's; X-RateLimit-* on every answer would cost more than it says.
          setHeaders: false,
          throttlers: [
            { name: 'default', limit, ttl: ttl * 1000 },
            {
              name: LOGIN_THROTTLER,
              limit: loginLimit,
              ttl: 60_000,
              skipIf: (context) => !isLoginRateLimited(context),
            },
          ],
        };
      },
    }),
  ],
  exports: [ThrottlerModule],
})
export class ThrottlingModule {}
