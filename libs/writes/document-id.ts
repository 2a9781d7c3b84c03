import { MeiliError } from '#lib/errors';
import { RESERVED_PREFIX } from '#lib/routing';
import type { IncomingDocument } from './incoming-documents.js';
import { memberText } from './raw-json.js';

const VALID_ID = /^[a-zA-Z0-9_-]+$/;
const MAX_ID_BYTES = 511;
const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const MIN_ID = -(2n ** 63n);
const MAX_ID = 2n ** 64n - 1n;

/** milli's `UserError::InvalidDocumentId`: the id as JSON (strings keep their quotes). */
function invalid(raw: string): MeiliError {
  return new MeiliError(
    'invalid_document_id',
    `Document identifier \`${raw}\` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes.`,
  );
}

/**
 * A document's id as Meilisearch accepts it, as the text it is stored under: a string of
 * `a-zA-Z0-9-_` up to 511 bytes, or an integer that fits 64 bits (signed or unsigned), read from
 * the document's own text so ids above 2^53 stay exact. Integers and their decimal text are the
 * same document, as on Meilisearch. Throws `missing_document_id` / `invalid_document_id`.
 */
export function documentId(doc: IncomingDocument, primaryKey: string): string {
  const value = doc.value[primaryKey];
  if (value === undefined) {
    throw new MeiliError(
      'missing_document_id',
      `Document doesn't have a \`${primaryKey}\` attribute: \`${JSON.stringify(doc.value)}\`.`,
    );
  }
  if (typeof value === 'string') {
    if (VALID_ID.test(value) && Buffer.byteLength(value) <= MAX_ID_BYTES) return value;
    throw invalid(JSON.stringify(value));
  }
  if (typeof value === 'number') {
    const raw = memberText(doc.text, primaryKey) ?? String(value);
    if (INTEGER.test(raw)) {
      const n = BigInt(raw);
      if (n >= MIN_ID && n <= MAX_ID) return n.toString();
    }
    throw invalid(raw);
  }
  throw invalid(JSON.stringify(value));
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
