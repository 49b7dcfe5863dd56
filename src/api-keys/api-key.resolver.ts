import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CredentialResolver } from '../access/credential-resolver';
import type { ApiKeyPrincipal } from '../access/principal';
import { isScope, roleAllowsScope, type Scope } from '../access/scopes';
import { AppException } from '../common/errors/app.exception';
import { Clock } from '../common/clock';
import { UsersService } from '../users/users.service';
import { ApiKeyCache } from './api-key.cache';
import {
  apiKeySchemeOf,
  hashApiKeySecret,
  parseBasicApiKey,
  parseBearerApiKey,
} from './api-key-format';
import { ApiKeyUsageService } from './api-key-usage.service';
import { apiKeyExpired, invalidApiKey, malformedApiKey } from './api-keys.errors';

/** Compared against when the id is unknown, so that an unknown id and a wrong secret do the same work. */
const DUMMY_HASH = createHash('sha256').update(randomBytes(32)).digest();

/** Authorization headers that carried a key this instance checked, at most this many. */
const MAX_VERIFIED_HEADERS = 50_000;

/** The owner's roles, or null when the account is gone or disabled. */
type Owner = { roles: string[] } | null;

/**
 * API keys: `Authorization: Bearer pck_<id>_<secret>` or HTTP Basic `<id>:<secret>`. The key's row and its
 * owner come from caches of at most one second (ApiKeyCache, UsersService.getProfile), so a key request costs a
 * SHA-256 and a few map lookups; revoking, disabling or demoting through this instance takes effect at once.
 */
@Injectable()
export class ApiKeyResolver implements CredentialResolver {
  /**
   * Exact Authorization headers whose key this instance checked, with the hash they matched: a client's next
   * requests skip parsing, base64 and SHA-256. A hit still needs the key's row (revocation) to hold that same hash;
   * only checked headers get in, so a guess pays the full check every time.
   */
  private readonly verifiedHeaders = new Map<string, { id: string; secretHash: string }>();

  constructor(
    private readonly cache: ApiKeyCache,
    private readonly users: UsersService,
    private readonly usage: ApiKeyUsageService,
    private readonly clock: Clock,
  ) {}

  canResolve(request: FastifyRequest): boolean {
    return apiKeySchemeOf(request.headers.authorization) !== null;
  }

  resolve(request: FastifyRequest): Promise<ApiKeyPrincipal> {
    return this.principalOf(request.headers.authorization ?? '');
  }

  /**
   * The caller an Authorization header value names (`Bearer pck_…` or `Basic …`), or the 401 that says what is
   * wrong with it. Introspection and revocation ask it about a key presented in a request body.
   */
  async principalOf(header: string): Promise<ApiKeyPrincipal> {
    const scheme = apiKeySchemeOf(header) ?? 'bearer';
    const key = await this.verifiedKey(header, scheme);
    if (!key) throw invalidApiKey(scheme);

    const now = this.clock.now();
    if (key.expiresAt !== null && key.expiresAt <= now) throw apiKeyExpired(scheme);
    const owner = await this.ownerOf(key.userId);
    if (!owner) throw invalidApiKey(scheme);

    await this.usage.recordUse(key.id, now);
    return {
      kind: 'api_key',
      userId: key.userId,
      apiKeyId: key.id,
      roles: [...owner.roles],
      scopes: scopesHeld(key.scopes, owner.roles),
    };
  }

  /** The key this header carries, when its secret is right; null for an unknown id or a wrong secret. */
  private async verifiedKey(header: string, scheme: 'bearer' | 'basic') {
    const remembered = this.verifiedHeaders.get(header);
    if (remembered) {
      const key = await this.cache.find(remembered.id);
      if (key && key.secretHash === remembered.secretHash) return key;
      this.verifiedHeaders.delete(header);
      return null;
    }
    const parts = scheme === 'basic' ? parseBasicApiKey(header) : parseBearerApiKey(header);
    if (!parts) throw malformedApiKey(scheme);
    const key = await this.cache.find(parts.id);
    const stored = key ? Buffer.from(key.secretHash, 'hex') : DUMMY_HASH;
    const presented = hashApiKeySecret(parts.secret);
    const matches =
      stored.length === presented.length && timingSafeEqual(stored, presented) && key !== null;
    if (!matches) return null;
    if (this.verifiedHeaders.size >= MAX_VERIFIED_HEADERS) {
      this.verifiedHeaders.delete(this.verifiedHeaders.keys().next().value!);
    }
    this.verifiedHeaders.set(header, { id: key.id, secretHash: key.secretHash });
    return key;
  }

  private async ownerOf(userId: string): Promise<Owner> {
    try {
      const user = await this.users.getProfile(userId);
      return user.disabled ? null : user;
    } catch (error) {
      // getProfile answers a deleted account with its own 401; anything else (a storage fault) goes on up.
      if (error instanceof AppException && error.code === 'invalid_token') return null;
      throw error;
    }
  }
}

/** The key's scopes that its owner's roles allow now: a demoted admin's keys lose the admin scopes at once. */
const scopesHeld = (scopes: readonly string[], ownerRoles: readonly string[]): Scope[] =>
  scopes.filter((scope): scope is Scope => isScope(scope) && roleAllowsScope(ownerRoles, scope));
