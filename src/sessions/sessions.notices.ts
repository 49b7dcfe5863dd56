import { isUuid } from '../common/ids';
import type { NoticeChannel } from '../redis/notice.bus';

/** One session was revoked, or every session of a user (revoked all at once, or deleted with the account). */
export type SessionsRevokedNotice = { sessionId: string } | { userId: string };

/** Tells the other instances to drop what they cached of these sessions' status. */
export const SESSIONS_REVOKED: NoticeChannel<SessionsRevokedNotice> = {
  name: 'sessions.revoked',
  parse: (value) => {
    if (typeof value !== 'object' || value === null) return undefined;
    const { sessionId, userId } = value as { sessionId?: unknown; userId?: unknown };
    if (isUuid(sessionId)) return { sessionId };
    if (isUuid(userId)) return { userId };
    return undefined;
  },
};
