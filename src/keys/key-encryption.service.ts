import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfigService, ConfigValidationError } from '../config';

export const DEV_KEY_ENCRYPTION_FILE = 'key-encryption-key';

/** The format of what `seal` returns: a version, then the nonce and the ciphertext with its tag, base64url. */
const VERSION = 'v1';

/**
 * Secrets at rest (two-factor secrets now, signing keys later): AES-256-GCM under KEY_ENCRYPTION_KEY, each sealed
 * value bound to what it belongs to (`context`, e.g. the user id) so that a value copied to another row does not
 * open. In development without the setting, a key is generated into DATA_DIR on first start and kept there.
 */
@Injectable()
export class KeyEncryptionService {
  private readonly logger = new Logger(KeyEncryptionService.name);
  private readonly key: Buffer;
  /** A separate key for keyed hashes (recovery codes), derived so that the two uses never share a key. */
  private readonly hashKey: Buffer;

  constructor(config: AppConfigService) {
    this.key =
      config.section('keys').keyEncryptionKey ?? this.developmentKey(config.section('app').dataDir);
    this.hashKey = Buffer.from(hkdfSync('sha256', this.key, '', 'portcullis keyed hash', 32));
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${VERSION}.${nonce.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** The plaintext; throws when the value was not sealed under this key for this context. */
  open(value: string, context: string): string {
    const [version, nonce, sealed] = value.split('.');
    if (version !== VERSION || !nonce || !sealed) throw new Error('not a sealed value');
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([
      decipher.update(bytes.subarray(0, bytes.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  }

  /** HMAC-SHA-256 under a key derived from KEY_ENCRYPTION_KEY, hex: a stolen database alone cannot test guesses. */
  keyedHash(value: string): string {
    return createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
  }

  private developmentKey(dataDir: string): Buffer {
    const file = join(dataDir, DEV_KEY_ENCRYPTION_FILE);
    const read = () => {
      const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
      if (key.length !== 32) {
        throw new ConfigValidationError([
          `the development key ${file} is not 32 bytes of base64; delete it to generate a new one (two-factor secrets sealed with it are lost)`,
        ]);
      }
      return key;
    };
    try {
      return read();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    try {
      writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      this.logger.log(
        `generated a development key-encryption key in ${file} (set KEY_ENCRYPTION_KEY in production)`,
      );
      return key;
    } catch (error) {
      // Another instance sharing DATA_DIR wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return read();
      throw error;
    }
  }
}
