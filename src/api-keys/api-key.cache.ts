import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ReadThroughCache } from '../common/read-through.cache';
import { NoticeBus } from '../redis/notice.bus';
import type { ApiKey } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * How long a key's row may be answered from memory. A revocation through this instance takes effect here at once;
 * through another one, within this time, or at once while revocation notices reach this instance (REDIS_URL, Redis
 * up: the lifetime is then CACHE_TTL_WITH_NOTICES_MS). A key deleted with its owner stops working with its owner's
 * profile (UsersService.getProfile), within PROFILE_CACHE_TTL_MS.
 */
export const API_KEY_CACHE_TTL_MS = 1000;

/**
 * API keys by id, read on every key request: with it, a key request costs a SHA-256 and two map lookups, about
 * what an access-token request costs. Unknown ids are remembered too (as null), so that a client retrying a
 * deleted key does not cost a query per request.
 */
@Injectable()
export class ApiKeyCache {
  private readonly rows = new ReadThroughCache<string, ApiKey | null>({
    ttlMs: () => this.notices.cacheTtl(API_KEY_CACHE_TTL_MS),
    maxEntries: 50_000,
  });

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
    private readonly notices: NoticeBus,
  ) {
    // Notices sent while they could not reach this instance are lost: start again from the database.
    notices.onDeliveryChange(() => this.rows.clear());
  }

  find(id: string): Promise<ApiKey | null> {
    return this.rows.get(id, this.clock.now(), () => this.keys.findById(id));
  }

  invalidate(id: string): void {
    this.rows.invalidate(id);
  }
}
