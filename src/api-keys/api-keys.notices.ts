import type { NoticeChannel } from '../redis/notice.bus';
import { API_KEY_ID } from './api-key-format';

export interface ApiKeyRevokedNotice {
  apiKeyId: string;
}

/** Tells the other instances to drop what they cached of a revoked key. */
export const API_KEY_REVOKED: NoticeChannel<ApiKeyRevokedNotice> = {
  name: 'api-keys.revoked',
  parse: (value) => {
    const apiKeyId = (value as { apiKeyId?: unknown } | null)?.apiKeyId;
    return typeof apiKeyId === 'string' && API_KEY_ID.test(apiKeyId) ? { apiKeyId } : undefined;
  },
};
