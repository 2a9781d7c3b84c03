import { MeiliError } from '#lib/errors';
import type { IncomingDocument } from './incoming-documents.js';

/**
 * Per-document rules Meilisearch enforces while it indexes a payload, beyond the id (research notes
 * /work/notes/meili-write-rules.md §3–§5, from milli's `extract/geo/mod.rs`, `vector/parsed_vectors.rs`,
 * `update/new/vector_document.rs` and `error.rs`). A node fails them for the whole batch, with the
 * index's name in front of the message; Miroir checks them before the log, so a task is all or
 * nothing on every copy, as on one node (replication.md, R6).
 */
export interface DocumentRulesContext {
  /** The client's index uid (messages name it). */
  indexUid: string;
  /** `_geo` is filterable or sortable: only then do nodes check it. */
  geo: boolean;
}

/** Field ids are 16 bits on Meilisearch. */
export const MAX_FIELDS = 65_535;

const RUST_FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

const json = (value: unknown): string => JSON.stringify(value) ?? 'null';

function indexError(ctx: DocumentRulesContext, code: string, message: string): MeiliError {
  return new MeiliError(code, `Index \`${ctx.indexUid}\`: ${message}`);
}

/** A coordinate as milli reads it: a finite number, or a string that parses as a finite f64. */
function coordinate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && RUST_FLOAT.test(value)) {
    const n = Number(value.replace(/^\+/, ''));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function checkGeo(geo: unknown, id: string, ctx: DocumentRulesContext): void {
  if (geo === null || geo === undefined) return;
  const doc = `the document with the id: \`${json(id)}\``;
  const fail = (message: string) => indexError(ctx, 'invalid_document_geo_field', message);
  if (typeof geo !== 'object' || Array.isArray(geo)) {
    throw fail(
      `The \`_geo\` field in ${doc} is not an object. Was expecting an object with the \`_geo.lat\` and \`_geo.lng\` fields but instead got \`${json(geo)}\`.`,
    );
  }
  const { lat, lng, ...extra } = geo as Record<string, unknown>;
  if (Object.keys(extra).length > 0) {
    throw fail(
      `The \`_geo\` field in ${doc} contains the following unexpected fields: \`${json(extra)}\`.`,
    );
  }
  if (lat === undefined && lng === undefined) {
    throw fail(
      `Could not find latitude nor longitude in ${doc}. Was expecting \`_geo.lat\` and \`_geo.lng\` fields.`,
    );
  }
  if (lat === undefined) {
    throw fail(`Could not find latitude in ${doc}. Was expecting a \`_geo.lat\` field.`);
  }
  if (lng === undefined) {
    throw fail(`Could not find longitude in ${doc}. Was expecting a \`_geo.lng\` field.`);
  }
  const [la, ln] = [coordinate(lat), coordinate(lng)];
  if (la === null && ln === null) {
    throw fail(
      `Could not parse latitude nor longitude in ${doc}. Was expecting finite numbers but instead got \`${json(lat)}\` and \`${json(lng)}\`.`,
    );
  }
  if (la === null) {
    throw fail(
      `Could not parse latitude in ${doc}. Was expecting a finite number but instead got \`${json(lat)}\`.`,
    );
  }
  if (ln === null) {
    throw fail(
      `Could not parse longitude in ${doc}. Was expecting a finite number but instead got \`${json(lng)}\`.`,
    );
  }
}

function kindOf(value: unknown): string {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return 'string';
}

const isNumber = (v: unknown) => typeof v === 'number';
const isVector = (v: unknown) => Array.isArray(v) && v.every(isNumber);

/** An embedder entry's embeddings: an array of numbers, or an array of arrays of numbers. */
function embeddingsError(value: unknown, at: string): string | null {
  if (!Array.isArray(value)) {
    return `Invalid value type at \`${at}\`: expected null or an array, but found ${describeJson(value)}`;
  }
  if (value.every(isNumber) || value.every(isVector)) return null;
  const nested = value.some(Array.isArray);
  for (const [i, item] of value.entries()) {
    if (nested && !Array.isArray(item)) {
      return `Invalid value type at \`${at}[${i}]\`: expected an array, but found ${describeJson(item)}`;
    }
    if (!nested && !isNumber(item)) {
      return `Invalid value type at \`${at}[${i}]\`: expected a number or an array, but found ${describeJson(item)}`;
    }
    if (Array.isArray(item)) {
      const j = item.findIndex((x) => !isNumber(x));
      if (j >= 0) {
        return `Invalid value type at \`${at}[${i}][${j}]\`: expected a number, but found ${describeJson(item[j])}`;
      }
    }
  }
  return null;
}

/** deserr's `{kind}: `{json}`` rendering of a received value. */
function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array: \`${json(value)}\``;
  if (typeof value === 'object') return `an object: \`${json(value)}\``;
  if (typeof value === 'string') return `a string: \`${json(value)}\``;
  if (typeof value === 'boolean') return `a boolean: \`${json(value)}\``;
  return `a number: \`${json(value)}\``;
}

function vectorEntryError(name: string, value: unknown): string | null {
  if (value === null) return null;
  const at = `._vectors.${name}`;
  if (Array.isArray(value)) return embeddingsError(value, at);
  if (typeof value !== 'object') {
    return `Expected \`${at}\` to be an array of floats, an array of arrays of floats, or an object with at least the field \`regenerate\`, but got the ${kindOf(value)} \`${json(value)}\``;
  }
  const entry = value as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (key !== 'regenerate' && key !== 'embeddings') {
      return `Unexpected field \`${at}.${key}\`\n  - note: the allowed fields are \`regenerate\` and \`embeddings\``;
    }
  }
  if (entry.regenerate === undefined) {
    return `Missing field \`${at}.regenerate\`\n  - note: \`${at}\` must be an array of floats, an array of arrays of floats, or an object with field \`regenerate\``;
  }
  if (typeof entry.regenerate !== 'boolean') {
    return `Could not parse \`${at}.regenerate\`: invalid type: ${kindOf(entry.regenerate)} ${json(entry.regenerate)}, expected a boolean`;
  }
  if (entry.embeddings === undefined || entry.embeddings === null) return null;
  return embeddingsError(entry.embeddings, `${at}.embeddings`);
}

function checkVectors(vectors: unknown, id: string, ctx: DocumentRulesContext): void {
  if (vectors === undefined || vectors === null) return;
  if (typeof vectors !== 'object' || Array.isArray(vectors)) {
    // Meilisearch ≥ 1.2x fails such a batch with an internal serde error; Miroir answers with the
    // dedicated error its error table keeps for this case (a choice, noted in the README).
    throw indexError(
      ctx,
      'invalid_vectors_type',
      `The \`_vectors\` field in the document with id: \`${id}\` is not an object. Was expecting an object with a key for each embedder with manually provided vectors, but instead got \`${json(vectors)}\``,
    );
  }
  for (const [name, value] of Object.entries(vectors as Record<string, unknown>)) {
    const error = vectorEntryError(name, value);
    if (error) {
      throw indexError(
        ctx,
        'invalid_vectors_type',
        `Bad embedder configuration in the document with id: \`${id}\`. ${error}`,
      );
    }
  }
}

/** Throws Meilisearch's error for the first rule the document breaks. */
export function checkDocument(doc: IncomingDocument, id: string, ctx: DocumentRulesContext): void {
  const value = doc.value;
  if (ctx.geo) checkGeo(value._geo, id, ctx);
  checkVectors(value._vectors, id, ctx);
  if (Object.keys(value).length > MAX_FIELDS) {
    throw new MeiliError(
      'max_fields_limit_exceeded',
      'A document cannot contain more than 65,535 fields.',
    );
  }
}

/** Whether the settings make nodes check `_geo` (it is filterable or sortable). */
export function geoChecked(settings: {
  filterableAttributes?: unknown[];
  sortableAttributes?: unknown[];
}): boolean {
  const names = (list: unknown[] | undefined) =>
    (list ?? []).flatMap((rule) =>
      typeof rule === 'string'
        ? [rule]
        : ((rule as { attributePatterns?: string[] })?.attributePatterns ?? []),
    );
  return [...names(settings.filterableAttributes), ...names(settings.sortableAttributes)].some(
    (name) => name === '_geo' || name === '*',
  );
}
