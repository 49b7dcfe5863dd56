import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerOptions,
} from '@nestjs/throttler';
import {
  THROTTLER_BLOCK_DURATION,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TTL,
} from '@nestjs/throttler/dist/throttler.constants';
import { rateLimited } from './throttling.errors';

export const LOGIN_THROTTLER = 'login';
const LOGIN_RATE_LIMITED_KEY = 'portcullis:loginRateLimited';

/**
 * Puts a route under the stricter login limit (LOGIN_THROTTLE_LIMIT per client per minute, counted per route) as
 * well: the routes that cost a password hash, send mail, or try a token.
 */
export const LoginRateLimit = () => SetMetadata(LOGIN_RATE_LIMITED_KEY, true);

export const isLoginRateLimited = (context: ExecutionContext): boolean =>
  Reflect.getMetadata(LOGIN_RATE_LIMITED_KEY, context.getHandler()) === true;

/** What one throttler counts on a route: resolved once per route, the same for every request. */
interface Step {
  throttler: ThrottlerOptions;
  limit: number;
  ttl: number;
  blockDuration: number;
}

/**
 * The global throttler. The default limit counts every request of a client, whatever the route; the login limit
 * counts attempts per login route. The client is the socket's address, or the forwarded one when TRUST_PROXY
 * allows it (fastify's request.ip).
 */
@Injectable()
export class AppThrottlerGuard extends ThrottlerGuard {
  /** Per route handler: its steps, or null when a limit is a function of the request (then asked each time). */
  private readonly plans = new WeakMap<object, Step[] | null>();

  /**
   * Does what ThrottlerGuard.canActivate does, but reads each route's limits (a dozen metadata lookups and
   * awaits per request) once, on the route's first request. `skipIf` must depend on the route only, as the login
   * limit's does.
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (plan === undefined) {
      plan = this.planFor(context);
      this.plans.set(handler, plan);
    }
    if (plan === null) return super.canActivate(context);
    for (const step of plan) {
      await this.handleRequest({
        context,
        ...step,
        getTracker: this.commonOptions.getTracker!,
        generateKey: this.commonOptions.generateKey!,
      });
    }
    return true;
  }

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

  private planFor(context: ExecutionContext): Step[] | null {
    const targets = [context.getHandler(), context.getClass()];
    const steps: Step[] = [];
    for (const throttler of this.throttlers) {
      const name = throttler.name ?? 'default';
      const read = (key: string) => this.reflector.getAllAndOverride<unknown>(key + name, targets);
      const skipIf = throttler.skipIf ?? this.commonOptions.skipIf;
      if (read(THROTTLER_SKIP) || skipIf?.(context)) continue;
      const limit = read(THROTTLER_LIMIT) ?? throttler.limit;
      const ttl = read(THROTTLER_TTL) ?? throttler.ttl;
      const blockDuration = read(THROTTLER_BLOCK_DURATION) ?? throttler.blockDuration ?? ttl;
      if (
        typeof limit !== 'number' ||
        typeof ttl !== 'number' ||
        typeof blockDuration !== 'number'
      ) {
        return null;
      }
      steps.push({ throttler, limit, ttl, blockDuration });
    }
    return steps;
  }
}
