import { isUuid } from './ids';

/** A position in a list ordered by (a whole number, an id), newest first: the last item of the page before. */
export interface PageCursor {
  position: number;
  id: string;
}

/** The opaque `nextCursor` of a page. */
export const encodePageCursor = ({ position, id }: PageCursor): string =>
  Buffer.from(`${position}:${id}`).toString('base64url');

/** The position a cursor names; null when it is not one `encodePageCursor` made. */
export function decodePageCursor(cursor: string): PageCursor | null {
  const [position, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!/^\d{1,16}$/.test(position ?? '') || !isUuid(id)) return null;
  return { position: Number(position), id };
}
