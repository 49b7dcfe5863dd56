/**
 * The source of "now" for everything that expires (sessions, refresh tokens, access tokens). Injected, so tests
 * can move time instead of sleeping.
 */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}
