import { createHmac } from 'node:crypto';

/**
 * Meilisearch's key value (meilisearch-auth `generate_key_as_hexa`): lower-case hex HMAC-SHA256
 * keyed by the master key's UTF-8 bytes over the uid's 36 lower-case hyphenated ASCII bytes.
 */
export function deriveKey(masterKey: string, uid: string): string {
  return createHmac('sha256', Buffer.from(masterKey, 'utf8'))
    .update(uid.toLowerCase(), 'ascii')
    .digest('hex');
}
