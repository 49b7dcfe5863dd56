import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfigService } from '../config';
import { isLoginRateLimited, LOGIN_THROTTLER } from './app-throttler.guard';
import { FixedWindowThrottlerStorage } from './fixed-window.storage';

@Module({
  providers: [FixedWindowThrottlerStorage],
  exports: [FixedWindowThrottlerStorage],
})
class ThrottlerStorageModule {}

/** Rate limits: THROTTLE_LIMIT per THROTTLE_TTL for every client, LOGIN_THROTTLE_LIMIT per minute on login. */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottlerStorageModule],
      inject: [AppConfigService, FixedWindowThrottlerStorage],
      useFactory: (config: AppConfigService, storage: FixedWindowThrottlerStorage) => {
        const { limit, ttl, loginLimit } = config.get('throttle', { infer: true });
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
