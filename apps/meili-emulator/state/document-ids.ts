/** Primary-key inference and document-id validation (emulator.md §5). */
import { MeiliError } from '#lib/errors';
import { hasBigInt, stringifyExact } from '#lib/meili-api';
import type { Document } from '../engine/index.js';

const STRING_ID = /^[A-Za-z0-9_-]+$/;

/** Primary-key inference is Meilisearch's rule, shared with the gateway. */
export { guessPrimaryKey as inferPrimaryKey } from '#lib/writes';

/** An id value as the engine keys it: integers and valid strings, so `1` and `"1"` are one document. */
const MIN_ID = -(2n ** 63n);
const MAX_ID = 2n ** 64n - 1n;

export function documentId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  // Integers beyond 2^53 arrive as BigInt (exact-json); Meilisearch takes any 64-bit one.
  if (typeof value === 'bigint' && value >= MIN_ID && value <= MAX_ID) return String(value);
  if (typeof value === 'string' && STRING_ID.test(value) && Buffer.byteLength(value) <= 511)
    return value;
  return undefined;
}

function invalidId(value: unknown): MeiliError {
  return new MeiliError(
    'invalid_document_id',
    `Document identifier \`${stringifyExact(value, hasBigInt(value))}\` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes.`,
  );
}

/** The id of `doc` under `primaryKey`; missing_document_id / invalid_document_id otherwise. */
export function requireDocumentId(doc: Document, primaryKey: string): string {
  const value = doc[primaryKey];
  if (value === undefined) {
    throw new MeiliError(
      'missing_document_id',
      `Document doesn't have a \`${primaryKey}\` attribute: \`${JSON.stringify(doc).slice(0, 200)}\`.`,
    );
  }
  const id = documentId(value);
  if (id === undefined) throw invalidId(value);
  return id;
}

/** Ids given to delete-batch: strings or integers, else 400 invalid_document_id. */
export function requestedId(value: unknown): string {
  if (typeof value === 'string') return value;
  const id = documentId(value);
  if (id === undefined) throw invalidId(value);
  return id;
}
