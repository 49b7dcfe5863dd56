import { randomUUID } from 'node:crypto';

let lastMs = -1;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562) whose order follows creation in this process: the 48-bit millisecond timestamp, then a
 * 12-bit counter for ids made in the same millisecond (method 1 of section 6.2), then 62 random bits. Rows keyed
 * by it sort by time of creation, ties included, without a sequence in the database.
 */
export function monotonicId(nowMs: number): string {
  let ms = Math.max(Math.floor(nowMs), lastMs);
  if (ms === lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  const time = ms.toString(16).padStart(12, '0');
  const version = (0x7000 | counter).toString(16);
  // The variant bits and 62 random bits: the last two groups of a random (version 4) UUID, which Node draws from
  // a pool of entropy (a fresh randomBytes call for each id cost several times more).
  return `${time.slice(0, 8)}-${time.slice(8)}-${version}-${randomUUID().slice(19)}`;
}
