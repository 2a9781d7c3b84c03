import { MeiliError } from '#lib/errors';

const INDEX_UID = /^[A-Za-z0-9_-]{1,400}$/;

export function isValidIndexUid(uid: unknown): uid is string {
  return typeof uid === 'string' && INDEX_UID.test(uid);
}

/** Throws 400 `code` (invalid_index_uid by default) unless `uid` is 1–400 bytes of [A-Za-z0-9_-]. */
export function checkIndexUid(uid: unknown, code = 'invalid_index_uid'): string {
  if (isValidIndexUid(uid)) return uid;
  throw new MeiliError(
    code,
    `\`${String(uid)}\` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 400 bytes.`,
  );
}
