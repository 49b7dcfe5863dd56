import { Injectable } from '@nestjs/common';
import type { UserPrincipal } from '../access/principal';
import { roleAllowsScope, type Scope } from '../access/scopes';
import { Clock } from '../common/clock';
import type { RequestContext } from '../events/domain-event-map';
import { DomainEvents } from '../events/domain-events';
import { NoticeBus } from '../redis/notice.bus';
import { UsersService } from '../users/users.service';
import { ApiKeyCache } from './api-key.cache';
import type { ApiKey } from './api-key.entity';
import { formatApiKey, hashApiKeySecret, newApiKeyParts } from './api-key-format';
import { ApiKeyUsageService } from './api-key-usage.service';
import { ApiKeysRepository } from './api-keys.repository';
import { expiryNotInFuture, scopeNotAllowed } from './api-keys.errors';
import { API_KEY_REVOKED } from './api-keys.notices';

export interface NewApiKey {
  name: string;
  scopes: Scope[];
  /** ISO 8601 date-time, already checked for shape; null or absent: never expires. */
  expiresAt?: string | null;
}

/** A stored key and the whole key (`pck_<id>_<secret>`), which exists only in this answer. */
export interface CreatedApiKey {
  row: ApiKey;
  key: string;
}

/** Ids are 95 random bits: a collision is a freak, but the primary key would refuse it, so draw again. */
const INSERT_ATTEMPTS = 3;

/** A user's API keys: make, list, revoke. Using them is the ApiKeyResolver's business. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly cache: ApiKeyCache,
    private readonly usage: ApiKeyUsageService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly notices: NoticeBus,
  ) {
    notices.subscribe(API_KEY_REVOKED, ({ apiKeyId }) => this.forget(apiKeyId));
  }

  async create(
    principal: UserPrincipal,
    input: NewApiKey,
    context: RequestContext,
  ): Promise<CreatedApiKey> {
    const now = this.clock.now();
    const expiresAt = typeof input.expiresAt === 'string' ? Date.parse(input.expiresAt) : null;
    if (expiresAt !== null && expiresAt <= now) throw expiryNotInFuture();
    // Both the session's roles and the account's current ones must allow each scope: a session opened before a
    // demotion grants nothing the account no longer has.
    const owner = await this.users.getProfile(principal.userId);
    const refused = input.scopes.find(
      (scope) => !roleAllowsScope(principal.roles, scope) || !roleAllowsScope(owner.roles, scope),
    );
    if (refused) throw scopeNotAllowed(refused);

    for (let attempt = 1; ; attempt += 1) {
      const parts = newApiKeyParts();
      const row: ApiKey = {
        id: parts.id,
        userId: principal.userId,
        name: input.name,
        secretHash: hashApiKeySecret(parts.secret).toString('hex'),
        scopes: [...input.scopes],
        createdAt: now,
        expiresAt,
        lastUsedAt: null,
      };
      if (await this.keys.insert(row)) {
        await this.events.emit('api_key.created', {
          userId: row.userId,
          apiKeyId: row.id,
          name: row.name,
          scopes: [...row.scopes],
          context,
        });
        return { row, key: formatApiKey(parts) };
      }
      if (attempt === INSERT_ATTEMPTS) throw new Error('could not draw a free API key id');
    }
  }

  list(userId: string): Promise<ApiKey[]> {
    return this.keys.findByUser(userId);
  }

  /**
   * False for an unknown id or another user's key; the key stops working on this instance at once, and on the
   * others as soon as the notice reaches them.
   */
  async revoke(userId: string, id: string, context: RequestContext): Promise<boolean> {
    if (!(await this.keys.deleteOwn(id, userId))) return false;
    this.forget(id);
    await this.notices.publish(API_KEY_REVOKED, { apiKeyId: id });
    await this.events.emit('api_key.revoked', { userId, apiKeyId: id, context });
    return true;
  }

  private forget(id: string): void {
    this.cache.invalidate(id);
    this.usage.forget(id);
  }
}
