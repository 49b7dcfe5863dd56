import { Injectable } from '@nestjs/common';

interface Entry {
  active: boolean;
  userId: string;
  checkedAt: number;
}

/** How long a "session is active" answer may be reused; revocation on this instance invalidates it at once. */
export const ACTIVE_SESSION_TTL_MS = 1000;
const MAX_ENTRIES = 100_000;

/**
 * In-process answers to "is this session still active?", so that the access-token check costs a map lookup.
 * Negative answers are final (a revoked or expired session never comes back). Revoking code calls `invalidate*`;
 * a lookup that raced with an invalidation is not stored (the generation check), so a stale "active" can never
 * outlive ACTIVE_SESSION_TTL_MS.
 */
@Injectable()
export class SessionStatusCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  get(sessionId: string, now: number): boolean | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (!entry.active) return false;
    if (now - entry.checkedAt < ACTIVE_SESSION_TTL_MS) return true;
    this.entries.delete(sessionId);
    return undefined;
  }

  /** The generation to pass back to `set` for a lookup starting now. */
  begin(): number {
    return this.generation;
  }

  set(sessionId: string, userId: string, active: boolean, now: number, generation: number): void {
    if (generation !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(sessionId, { active, userId, checkedAt: now });
  }

  invalidate(sessionId: string): void {
    this.generation += 1;
    this.entries.delete(sessionId);
  }

  invalidateUser(userId: string): void {
    this.generation += 1;
    for (const [sessionId, entry] of this.entries) {
      if (entry.userId === userId) this.entries.delete(sessionId);
    }
  }
}
