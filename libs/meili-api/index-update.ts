import { MeiliError } from '#lib/errors';
import { checkIndexUid } from './index-uid.js';
import { asObject, rejectUnknown } from './params.js';

/** What `PATCH /indexes/{uid}` asks: a primary key, a new name (Meilisearch ≥ 1.18), or both. */
export interface IndexUpdate {
  primaryKey: string | null;
  uid: string | null;
}

/**
 * The body as Meilisearch reads it (routes/indexes/mod.rs `UpdateIndexRequest`): `createdAt` and
 * `updatedAt` are named as immutable, other unknown fields refused, `uid` validated as an index uid.
 */
export function parseIndexUpdate(input: unknown): IndexUpdate {
  const body = asObject(input);
  for (const field of ['createdAt', 'updatedAt'] as const) {
    if (field in body) {
      throw new MeiliError(
        field === 'createdAt' ? 'immutable_index_created_at' : 'immutable_index_updated_at',
        `Immutable field \`${field}\`: expected one of \`primaryKey\`, \`uid\``,
      );
    }
  }
  rejectUnknown(body, ['primaryKey', 'uid'], 'field');
  const primaryKey = body.primaryKey ?? null;
  if (primaryKey !== null && typeof primaryKey !== 'string') {
    throw new MeiliError(
      'invalid_index_primary_key',
      'Invalid value type at `.primaryKey`: expected a string',
    );
  }
  let uid: string | null = null;
  if (body.uid !== undefined && body.uid !== null) {
    if (typeof body.uid !== 'string') {
      throw new MeiliError(
        'invalid_index_uid',
        `Invalid value type at \`.uid\`: expected a string, but found ${JSON.stringify(body.uid)}`,
      );
    }
    uid = checkIndexUid(body.uid);
  }
  return { primaryKey, uid };
}
