import { sign, type KeyObject } from 'node:crypto';

const encode = (part: object | string) =>
  Buffer.from(typeof part === 'string' ? part : JSON.stringify(part)).toString('base64url');

/**
 * A compact JWS signed with ES256, built by hand so that a test can put anything in it: a header or payload given
 * as a string is used byte for byte (say `{"exp":1e400}`, which no JSON serialiser would write).
 */
export function signES256(
  header: object | string,
  payload: object | string,
  key: KeyObject,
): string {
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
