import { MeiliError } from '#lib/errors';
import { parseFilter } from '#lib/filter';
import type { Document } from './document-store.js';
import { checkFilterable, isUnder } from './filterable.js';
import { selectFields } from './format.js';
import type { EngineView } from './engine-view.js';
import { compareSortKeys, sortKey } from './ranking.js';

const PARAMS = ['offset', 'limit', 'fields', 'filter', 'ids', 'sort', 'retrieveVectors'];

/** `GET …/documents` and `POST …/documents/fetch`: a page of documents in internal-id order (or
 *  by `sort`), ignoring `displayedAttributes`. */
export function browseDocuments(
  view: EngineView,
  params: Record<string, unknown>,
): { results: Document[]; offset: number; limit: number; total: number } {
  for (const name of Object.keys(params)) {
    if (!PARAMS.includes(name)) {
      throw new MeiliError(
        'bad_request',
        `Unknown parameter \`${name}\`: expected one of ${PARAMS.map((p) => `\`${p}\``).join(', ')}`,
      );
    }
  }
  const offset = integer(params.offset, 'invalid_document_offset') ?? 0;
  const limit = integer(params.limit, 'invalid_document_limit') ?? 20;
  const fields = strings(params.fields, 'invalid_document_fields') ?? ['*'];
  const ids = strings(params.ids, 'invalid_document_ids', true);
  const sort = strings(params.sort, 'invalid_document_sort') ?? [];
  if (params.retrieveVectors != null && typeof params.retrieveVectors !== 'boolean') {
    throw new MeiliError(
      'invalid_document_retrieve_vectors',
      'Invalid value type at `.retrieveVectors`: expected a boolean',
    );
  }
  const filter = parseFilter(params.filter ?? null, 'invalid_document_filter');
  checkFilterable(view.settings, params.filter ?? null, 'invalid_document_filter');

  let docs: number[] = [];
  const mask = filter ? view.filters.evaluate(filter, view.liveMask()) : view.liveMask();
  if (ids) {
    const wanted = new Set(
      ids.map((id) => view.store.internalId(id)).filter((i) => i !== undefined),
    );
    docs = [...wanted].filter((i) => mask[i]).sort((a, b) => a - b);
  } else {
    for (let i = 0; i < mask.length; i++) if (mask[i]) docs.push(i);
  }
  for (const s of [...sortCriteria(view, sort)].reverse()) {
    const keys = new Map(docs.map((d) => [d, sortKey(view.store.doc(d), s.field, s.asc)]));
    docs.sort((a, b) => compareSortKeys(keys.get(a)!, keys.get(b)!, s.asc));
  }
  const order = new Map(view.store.fieldOrder().map((f, i) => [f, i]));
  const results = docs
    .slice(offset, offset + limit)
    .map((d) => selectFields(view.store.doc(d)!, fields, order));
  return { results, offset, limit, total: docs.length };
}

function sortCriteria(view: EngineView, sort: string[]): Array<{ field: string; asc: boolean }> {
  return sort.map((s) => {
    const m = /^(.+):(asc|desc)$/.exec(s);
    if (!m)
      throw new MeiliError(
        'invalid_document_sort',
        `Invalid syntax for the sort parameter: \`${s}\`.`,
      );
    if (!view.settings.sortableAttributes.some((a) => isUnder(m[1]!, a))) {
      throw new MeiliError('invalid_document_sort', `Attribute \`${m[1]}\` is not sortable.`);
    }
    return { field: m[1]!, asc: m[2] === 'asc' };
  });
}

function integer(v: unknown, code: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new MeiliError(
      code,
      `Invalid value: expected a positive integer, found \`${JSON.stringify(v)}\``,
    );
  }
  return n;
}

/** A list given as an array or a comma-separated string; `ids` may hold numbers. */
function strings(v: unknown, code: string, idsAllowed = false): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (
    Array.isArray(v) &&
    v.every((x) => typeof x === 'string' || (idsAllowed && typeof x === 'number'))
  ) {
    return v.map(String);
  }
  throw new MeiliError(
    code,
    `Invalid value: expected an array of strings, found \`${JSON.stringify(v)}\``,
  );
}
