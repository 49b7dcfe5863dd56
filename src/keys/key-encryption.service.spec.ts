import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfigService } from '../config';
import { DEV_KEY_ENCRYPTION_FILE, KeyEncryptionService } from './key-encryption.service';

const config = (keyEncryptionKey: Buffer | undefined, dataDir = '/nonexistent') =>
  ({
    section: (section: string) => (section === 'keys' ? { keyEncryptionKey } : { dataDir }),
  }) as unknown as AppConfigService;

describe(KeyEncryptionService.name, () => {
  const sut = new KeyEncryptionService(config(Buffer.alloc(32, 1)));

  describe('seal and open', () => {
    it('round-trips, with a fresh nonce each time', () => {
      const a = sut.seal('JBSWY3DPEHPK3PXP', 'totp:u1');
      const b = sut.seal('JBSWY3DPEHPK3PXP', 'totp:u1');
      expect(a).not.toBe(b);
      expect(a).not.toContain('JBSWY3DPEHPK3PXP');
      expect(sut.open(a, 'totp:u1')).toBe('JBSWY3DPEHPK3PXP');
    });

    it('does not open for another context, under another key, or once tampered with', () => {
      const sealed = sut.seal('secret', 'totp:u1');
      expect(() => sut.open(sealed, 'totp:u2')).toThrow();
      expect(() =>
        new KeyEncryptionService(config(Buffer.alloc(32, 2))).open(sealed, 'totp:u1'),
      ).toThrow();
      const [version, nonce, body] = sealed.split('.');
      const flipped = Buffer.from(body, 'base64url');
      flipped[0] ^= 1;
      expect(() =>
        sut.open(`${version}.${nonce}.${flipped.toString('base64url')}`, 'totp:u1'),
      ).toThrow();
      expect(() => sut.open('garbage', 'totp:u1')).toThrow('not a sealed value');
    });
  });

  describe('keyedHash', () => {
    it('depends on the key, not only on the value', () => {
      const other = new KeyEncryptionService(config(Buffer.alloc(32, 2)));
      expect(sut.keyedHash('abcd')).toMatch(/^[0-9a-f]{64}$/);
      expect(sut.keyedHash('abcd')).toBe(sut.keyedHash('abcd'));
      expect(other.keyedHash('abcd')).not.toBe(sut.keyedHash('abcd'));
    });
  });

  describe('development key', () => {
    it('is generated into DATA_DIR once (0600) and reused by the next start', () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-kek-'));
      const first = new KeyEncryptionService(config(undefined, dataDir));
      const file = join(dataDir, DEV_KEY_ENCRYPTION_FILE);
      expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const sealed = first.seal('x', 'c');
      expect(new KeyEncryptionService(config(undefined, dataDir)).open(sealed, 'c')).toBe('x');
    });
  });
});
