import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ReadThroughCache } from '../common/read-through.cache';
import type { ApiKey } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';

/**
 * How long a key's row may be answered from memory. A revocation through another instance (or a key deleted with
 * its owner) takes effect within this time everywhere; through this instance, at once.
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
    ttlMs: API_KEY_CACHE_TTL_MS,
    maxEntries: 50_000,
  });

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  find(id: string): Promise<ApiKey | null> {
    return this.rows.get(id, this.clock.now(), () => this.keys.findById(id));
  }

  invalidate(id: string): void {
    this.rows.invalidate(id);
  }
}
