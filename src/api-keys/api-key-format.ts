import { createHash, randomBytes } from 'node:crypto';

/** What a key, a key id and a secret look like: `pck_<16 base62>_<43 base62>`. */
export const API_KEY_PREFIX = 'pck_';
export const API_KEY_ID_LENGTH = 16;
/** 43 base62 characters carry 43 × log2(62) ≈ 256.03 bits. */
export const API_KEY_SECRET_LENGTH = 43;
export const API_KEY_ID = /^[0-9A-Za-z]{16}$/;
const API_KEY = /^pck_([0-9A-Za-z]{16})_([0-9A-Za-z]{43})$/;
const SECRET = /^[0-9A-Za-z]{43}$/;
/** `Basic <base64>`: the base64 of `<id>:<secret>` is 80 characters; anything much longer is not a key. */
const BASIC = /^basic +([A-Za-z0-9+/]{1,200}={0,2}) *$/i;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 62 that fits in a byte: bytes at or above it are thrown away. */
const UNBIASED_BELOW = 256 - (256 % 62);

/**
 * `length` uniformly random base62 characters. Rejection sampling: a byte is used only below 248 (4 × 62), so
 * `byte % 62` is uniform; taking `byte % 62` of every byte would make the first 8 characters likelier.
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // About 3% of bytes are rejected: ask for a few more than needed, so one round nearly always suffices.
    for (const byte of randomBytes(length - out.length + 8)) {
      if (byte >= UNBIASED_BELOW) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface ApiKeyParts {
  id: string;
  secret: string;
}

export const newApiKeyParts = (): ApiKeyParts => ({
  id: randomBase62(API_KEY_ID_LENGTH),
  secret: randomBase62(API_KEY_SECRET_LENGTH),
});

export const formatApiKey = ({ id, secret }: ApiKeyParts): string =>
  `${API_KEY_PREFIX}${id}_${secret}`;

/**
 * SHA-256 of a secret, the only form stored. A fast hash is the right tool here, unlike for passwords: a secret
 * is 256 random bits, so there is nothing to guess from a leaked hash by trying candidates (no dictionary, and
 * 2^256 tries whatever each one costs), while a slow hash (argon2) would cost tens of milliseconds and megabytes
 * on every API request. The same reasoning as for refresh tokens.
 */
export const hashApiKeySecret = (secret: string): Buffer =>
  createHash('sha256').update(secret).digest();

/** `pck_<id>_<secret>` split in its parts; null when it is not of that shape. */
export function parseApiKey(key: string): ApiKeyParts | null {
  const match = API_KEY.exec(key);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** The token of `Authorization: Bearer pck_…` (the scheme in any case), split; null when malformed. */
export function parseBearerApiKey(header: string): ApiKeyParts | null {
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  return parseApiKey(header.slice(7).trim());
}

/** `Authorization: Basic base64(<id>:<secret>)` (RFC 7617), split; null when malformed. */
export function parseBasicApiKey(header: string): ApiKeyParts | null {
  const encoded = BASIC.exec(header)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const id = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  return API_KEY_ID.test(id) && SECRET.test(secret) ? { id, secret } : null;
}

/** Which scheme carries a key: decides the challenge of a 401. */
export type ApiKeyScheme = 'bearer' | 'basic';

/** Cheap, no regular expression: `Basic …`, or `Bearer pck_…` (the scheme in any case). */
export function apiKeySchemeOf(header: unknown): ApiKeyScheme | null {
  if (typeof header !== 'string') return null;
  const scheme = header.slice(0, 7).toLowerCase();
  // A bare `Basic` too: proxies strip the trailing space of an empty credential.
  if (scheme.startsWith('basic ') || scheme === 'basic') return 'basic';
  if (scheme === 'bearer ' && header.slice(7).trimStart().startsWith(API_KEY_PREFIX)) {
    return 'bearer';
  }
  return null;
}
