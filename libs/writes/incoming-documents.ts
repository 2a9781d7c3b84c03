import { MeiliError } from '#lib/errors';
import { parseCsv } from '#lib/meili-api';
import { oneLine, topLevelElements } from './raw-json.js';

/** Payload formats of document routes, by their content type. */
export type PayloadFormat = 'json' | 'ndjson' | 'csv';

/**
 * One document as the client sent it: its text on one line (values byte for byte, so integers
 * beyond 2^53 stay exact), what JSON.parse made of it (for validation only, never re-serialised),
 * and how deeply it nests.
 */
export interface IncomingDocument {
  text: string;
  value: Record<string, unknown>;
  depth: number;
}

function malformed(format: PayloadFormat, detail: string): MeiliError {
  return new MeiliError(
    'malformed_payload',
    `The \`${format}\` payload provided is malformed. \`${detail}\`.`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const NOT_OBJECTS = 'expected an object or an array of objects';

/**
 * serde_json's recursion limit (128 nested arrays or objects, the document itself included). A node
 * accepts a deeper document at the route and fails it while indexing, after other copies may have
 * taken the batch it shares; refusing it here keeps every copy's outcome the same (R6).
 */
export const MAX_DOCUMENT_DEPTH = 127;

function checkDepth(format: PayloadFormat, docs: IncomingDocument[]): IncomingDocument[] {
  if (docs.some((d) => d.depth > MAX_DOCUMENT_DEPTH)) {
    throw malformed(format, "Couldn't serialize document value: recursion limit exceeded");
  }
  return docs;
}

function parse(format: PayloadFormat, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw malformed(format, (err as Error).message);
  }
}

/** The documents of a payload, in order; a lone JSON object is one document. */
export function readDocuments(
  format: PayloadFormat,
  text: string,
  csvDelimiter = ',',
): IncomingDocument[] {
  if (format === 'csv') {
    return parseCsv(text, csvDelimiter).map((value) => ({
      text: JSON.stringify(value),
      value,
      depth: 1,
    }));
  }
  if (format === 'ndjson') {
    const docs: IncomingDocument[] = [];
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const value = parse(format, trimmed);
      if (!isObject(value)) throw malformed(format, NOT_OBJECTS);
      docs.push({ text: trimmed, value, depth: topLevelElements(trimmed)[0]!.depth });
    }
    return checkDepth(format, docs);
  }
  const value = parse(format, text);
  if (isObject(value)) {
    const [span] = topLevelElements(text);
    return checkDepth(format, [{ text: oneLine(text), value, depth: span!.depth }]);
  }
  if (!Array.isArray(value) || !value.every(isObject)) throw malformed(format, NOT_OBJECTS);
  const spans = topLevelElements(text);
  return checkDepth(
    format,
    spans.map((span, i) => ({
      text: oneLine(text.slice(span.start, span.end)),
      value: value[i] as Record<string, unknown>,
      depth: span.depth,
    })),
  );
}
