import type { NoticeChannel } from '../redis/notice.bus';

/** The signing keys changed (a rotation): read the key table now rather than at the next periodic read. */
export type KeysChangedNotice = { current: string };

export const KEYS_CHANGED: NoticeChannel<KeysChangedNotice> = {
  name: 'keys.changed',
  parse: (value) => {
    if (typeof value !== 'object' || value === null) return undefined;
    const { current } = value as { current?: unknown };
    return typeof current === 'string' && /^[\w-]{1,64}$/.test(current) ? { current } : undefined;
  },
};
