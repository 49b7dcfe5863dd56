import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const RECOVERY_CODE_COUNT = 10;

/** `XXXX-XXXX-XXXX`: 12 characters of 5 bits, 60 random bits (each byte's low 5 bits: no bias, 256 = 8 × 32). */
export function newRecoveryCode(): string {
  const characters = [...randomBytes(12)].map((byte) => ALPHABET[byte & 31]);
  return [0, 4, 8].map((at) => characters.slice(at, at + 4).join('')).join('-');
}

/**
 * The one form of a recovery code that is hashed: upper case, without spaces or hyphens, with the letters Crockford
 * reads as digits (O → 0, I and L → 1). Null for anything that cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{12}$/.test(compact) ? compact : null;
}
