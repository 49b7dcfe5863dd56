import { Global, Module } from '@nestjs/common';
import { NoticeBus } from './notice.bus';
import { RedisConnection } from './redis.connection';

/**
 * Redis, when REDIS_URL is set (global): the shared connection (rate limits, readiness) and the notice bus between
 * instances. Without REDIS_URL both are inert: nothing connects and publishing does nothing.
 */
@Global()
@Module({
  providers: [RedisConnection, NoticeBus],
  exports: [RedisConnection, NoticeBus],
})
export class RedisModule {}
