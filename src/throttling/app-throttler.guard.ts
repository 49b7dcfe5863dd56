import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { rateLimited } from './throttling.errors';

export const LOGIN_THROTTLER = 'login';
const LOGIN_RATE_LIMITED_KEY = 'portcullis:loginRateLimited';

/**
 * Puts a route under the stricter login limit (LOGIN_THROTTLE_LIMIT per client per minute, counted per route) as
 * well: the routes that cost a password hash.
 */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMITED_KEY, true);

export const isLoginRateLimited = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(LOGIN_RATE_LIMITED_KEY, context.getHandler()) === true;

/**
 * The global throttler. The default limit counts every request of a client, whatever the route; the login limit
 * counts attempts per login route. The client is the socket's address, or the forwarded one when TRUST_PROXY
 * allows it (fastify's request.ip).
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(context: ExecutionContext, tracker: string, name: string): string {
    if (name === 'default') return `default:${tracker}`;
    return `${name}:${context.getClass().name}.${context.getHandler().name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw rateLimited(Math.max(1, detail.timeToBlockExpire));
  }
}
