import { Injectable, Logger } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository';

/** lastUsedAt is kept to the minute: a key used steadily costs one write a minute, not one per request. */
export const LAST_USED_INTERVAL_MS = 60_000;

/** Bound on memory: when full, the key written longest ago is forgotten (at worst, one early write). */
const MAX_TRACKED_KEYS = 50_000;

/**
 * Records when each API key was last used. This instance remembers when it last wrote each key and skips the
 * database within the interval; the conditional UPDATE keeps the other instances from writing it again too.
 */
@Injectable()
export class ApiKeyUsageService {
  private readonly logger = new Logger(ApiKeyUsageService.name);
  /** Key id → when this instance last wrote its lastUsedAt, oldest write first. */
  private readonly written = new Map<string, number>();

  constructor(private readonly keys: ApiKeysRepository) {}

  /**
   * Awaited, so that the request that triggers a write answers after it (a client reading its keys next sees
   * it); a failed write is logged and never fails the request it rides on.
   */
  async recordUse(id: string, now: number): Promise<void> {
    const last = this.written.get(id);
    if (last !== undefined && now - last < LAST_USED_INTERVAL_MS) return;
    // Before the write: parallel requests of one key must not all write.
    this.written.delete(id);
    if (this.written.size >= MAX_TRACKED_KEYS) {
      this.written.delete(this.written.keys().next().value!);
    }
    this.written.set(id, now);
    try {
      await this.keys.touchLastUsed(id, now, LAST_USED_INTERVAL_MS);
    } catch (error) {
      this.logger.warn(`could not record the use of API key ${id}: ${(error as Error).message}`);
    }
  }

  forget(id: string): void {
    this.written.delete(id);
  }
}
