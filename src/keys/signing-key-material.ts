import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { ConfigValidationError } from '../config';

/** The algorithms of this server's keys (RFC 7518). */
export type SigningAlgorithm = 'ES256' | 'RS256';

/** A key this server verifies access tokens with; `privateKey` only on the key it signs with. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicKey: KeyObject;
  privateKey?: KeyObject;
}

/** The public half of a signing key as the JWKS publishes it (RFC 7517): no private member, ever. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: string;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** RFC 7638 thumbprint: a stable key id derived from the public key alone. */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const members = jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/** ES256 for an EC P-256 key, RS256 for an RSA key of 2048 bits or more; anything else is refused. */
export function algorithmFor(key: KeyObject, source: string): SigningAlgorithm {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  throw new ConfigValidationError([
    `${source} must be an EC P-256 (ES256) or an RSA >= 2048 bits (RS256) private key; got ${key.asymmetricKeyType ?? 'a symmetric key'}`,
  ]);
}

/** A private key written as PEM (PKCS#8, SEC1 or PKCS#1) or as a JWK with its private member `d`. */
export function parsePrivateKey(text: string, source: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as Record<string, unknown> & { d?: string };
      if (!jwk.d) throw new Error('the JWK has no private part ("d")');
      return createPrivateKey({ key: jwk as never, format: 'jwk' });
    }
    return createPrivateKey(trimmed);
  } catch (error) {
    throw new ConfigValidationError([
      `${source} is not a usable private key (expected a PEM "-----BEGIN PRIVATE KEY-----" block or a JWK with "d"): ${(error as Error).message}`,
    ]);
  }
}

/** A signing key made of a private key: its kid (thumbprint), algorithm and public half. */
export function signingKeyOf(privateKey: KeyObject, source: string): Required<SigningKey> {
  const publicKey = createPublicKey(privateKey);
  return {
    kid: thumbprint(publicKey),
    alg: algorithmFor(privateKey, source),
    publicKey,
    privateKey,
  };
}

/** A new EC P-256 (ES256) key pair, the algorithm every key this server makes uses. */
export function generateSigningKey(): Required<SigningKey> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return signingKeyOf(privateKey, 'a generated key');
}

export function publicJwkOf({ kid, alg, publicKey }: SigningKey): PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' }) as Omit<PublicJwk, 'kid' | 'alg' | 'use'>;
  return { ...jwk, kid, alg, use: 'sig' };
}

export function privatePemOf(privateKey: KeyObject): string {
  return privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
}

/** What a sealed private key is bound to: its own kid, so that a sealed value moved to another row does not open. */
export const signingKeySealContext = (kid: string): string => `signing-key:${kid}`;
