import { MeiliError } from '#lib/errors';

/** Reserved fields carry Miroir's own bookkeeping on nodes; clients may neither send nor see them. */
export const RESERVED_PREFIX = '_miroir_';

const VALID_ID = /^[a-zA-Z0-9_-]+$/;
const MAX_ID_BYTES = 511;

/**
 * The primary-key value of a document as Meilisearch accepts it: an integer, or a string of
 * `a-zA-Z0-9-_` up to 511 bytes. Throws Meilisearch's `missing_document_id` / `invalid_document_id`.
 */
export function documentId(doc: Record<string, unknown>, primaryKey: string): string | number {
  const value = doc[primaryKey];
  if (value === undefined) {
    throw new MeiliError(
      'missing_document_id',
      `Document doesn't have a \`${primaryKey}\` attribute: \`${truncate(JSON.stringify(doc))}\`.`,
    );
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (
    typeof value === 'string' &&
    VALID_ID.test(value) &&
    Buffer.byteLength(value) <= MAX_ID_BYTES
  ) {
    return value;
  }
  throw new MeiliError(
    'invalid_document_id',
    `Document identifier \`${truncate(JSON.stringify(value))}\` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes.`,
  );
}

/** Throws `miroir_reserved_field` when a document carries a top-level `_miroir_*` field. */
export function assertNoReservedField(doc: Record<string, unknown>): void {
  for (const key in doc) {
    if (key.startsWith(RESERVED_PREFIX)) {
      throw new MeiliError(
        'miroir_reserved_field',
        `Document field \`${key}\` is reserved: fields starting with \`${RESERVED_PREFIX}\` are used by Miroir.`,
      );
    }
  }
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
