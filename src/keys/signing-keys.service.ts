import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
} from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import type { Algorithm } from 'jsonwebtoken';
import { AppConfigService, ConfigValidationError } from '../config';

export interface SigningKey {
  kid: string;
  alg: Algorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

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

export const DEV_KEY_FILE = 'jwt-signing-key.pem';

/** RFC 7638 thumbprint: a stable key id derived from the public key alone. */
function thumbprint(jwk: Record<string, unknown>): string {
  const members = jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function algorithmFor(key: KeyObject, source: string): Algorithm {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  throw new ConfigValidationError([
    `${source} must be an EC P-256 (ES256) or an RSA >= 2048 bits (RS256) private key; got ${key.asymmetricKeyType ?? 'a symmetric key'}`,
  ]);
}

function parsePrivateKey(text: string, source: string): KeyObject {
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

/**
 * The access-token signing key, held as KeyObjects built once. Configured keys come from JWT_PRIVATE_KEY(_FILE);
 * in development a P-256 key is generated on first start and kept in DATA_DIR so restarts keep tokens valid.
 */
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger(SigningKeysService.name);
  readonly signing: SigningKey;
  private readonly byKid: Map<string, SigningKey>;
  readonly jwks: { keys: PublicJwk[] };

  constructor(config: AppConfigService) {
    const configured = config.get('tokens', { infer: true }).privateKey;
    const privateKey = configured
      ? parsePrivateKey(configured.text, configured.source)
      : this.developmentKey(config.get('app', { infer: true }).dataDir);
    const publicKey = createPublicKey(privateKey);
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const alg = algorithmFor(privateKey, configured?.source ?? 'the development key');
    this.signing = { kid: thumbprint(jwk), alg, privateKey, publicKey };
    this.byKid = new Map([[this.signing.kid, this.signing]]);
    this.jwks = {
      keys: [
        {
          ...(jwk as Omit<PublicJwk, 'kid' | 'alg' | 'use'>),
          kid: this.signing.kid,
          alg,
          use: 'sig',
        },
      ],
    };
  }

  /** The verification key for a token's `kid`, or undefined when the key is unknown. */
  verificationKey(kid: unknown): SigningKey | undefined {
    return typeof kid === 'string' ? this.byKid.get(kid) : undefined;
  }

  get algorithms(): Algorithm[] {
    return [...new Set([...this.byKid.values()].map((key) => key.alg))];
  }

  private developmentKey(dataDir: string): KeyObject {
    const file = join(dataDir, DEV_KEY_FILE);
    try {
      return createPrivateKey(readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ConfigValidationError([
          `the development signing key ${file} cannot be read (${(error as Error).message}); delete it to generate a new one`,
        ]);
      }
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      this.logger.log(
        `generated a development signing key in ${file} (set JWT_PRIVATE_KEY_FILE in production)`,
      );
      return privateKey;
    } catch (error) {
      // Another instance sharing DATA_DIR wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        return createPrivateKey(readFileSync(file, 'utf8'));
      throw error;
    }
  }
}
