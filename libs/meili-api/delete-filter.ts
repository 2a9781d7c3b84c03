import { MeiliError } from '#lib/errors';
import { parseFilter } from '#lib/filter';
import { asObject, rejectUnknown } from './params.js';

/**
 * `POST /indexes/{uid}/documents/delete` as Meilisearch reads it (routes/indexes/documents.rs
 * `delete_documents_by_filter`): `filter` required, its syntax checked now and an empty filter
 * refused; whether its attributes are filterable is the task's business.
 */
export function parseDeleteByFilter(input: unknown): unknown {
  const body = asObject(input);
  rejectUnknown(body, ['filter'], 'field');
  if (body.filter === undefined || body.filter === null) {
    throw new MeiliError('missing_document_filter', 'Missing field `filter`');
  }
  if (parseFilter(body.filter, 'invalid_document_filter') === null) {
    throw new MeiliError('invalid_document_filter', 'Sending an empty filter is forbidden.');
  }
  return body.filter;
}
