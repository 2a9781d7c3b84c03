/**
 * Request bodies: read raw (gzip-aware, size-limited), then decoded per route — JSON for most
 * routes, JSON / NDJSON / CSV for documents — with Meilisearch's 413/415/400 codes.
 */
import { createGunzip, createInflate } from 'node:zlib';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { MeiliError } from '#lib/errors';
import { parseCsv } from './csv.js';
import { parseExact } from './exact-json.js';

const JSON_TYPE = 'application/json';
const NDJSON_TYPE = 'application/x-ndjson';
const CSV_TYPE = 'text/csv';
export const DOCUMENT_TYPES = [JSON_TYPE, NDJSON_TYPE, CSV_TYPE] as const;

/** Reads the whole body, decompressing gzip/deflate; 413 payload_too_large past `limit` bytes. */
export function readBody(
  stream: Readable,
  headers: IncomingHttpHeaders,
  limit: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new MeiliError(
      'payload_too_large',
      `The provided payload reached the size limit. The maximum accepted payload size is ${limit} bytes.`,
    );
  if (Number(headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  const encoding = String(headers['content-encoding'] ?? 'identity').toLowerCase();
  let source: Readable = stream;
  if (encoding === 'gzip') source = stream.pipe(createGunzip());
  else if (encoding === 'deflate') source = stream.pipe(createInflate());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stream.resume(); // drain the rest so the connection can answer
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(tooLarge());
      else if (!failed) chunks.push(chunk);
    });
    source.on('error', (error) =>
      fail(
        new MeiliError('malformed_payload', `The payload could not be decoded: ${error.message}`),
      ),
    );
    source.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
  });
}

function mediaType(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';')[0]!.trim().toLowerCase();
}

function checkContentType(headers: IncomingHttpHeaders, accepted: readonly string[]): string {
  const type = mediaType(headers);
  const list = accepted.map((t) => `\`${t}\``).join(', ');
  if (type === undefined || type === '') {
    throw new MeiliError(
      'missing_content_type',
      `A Content-Type header is missing. Accepted values for the Content-Type header are: ${list}`,
    );
  }
  if (!accepted.includes(type)) {
    throw new MeiliError(
      'invalid_content_type',
      `The Content-Type \`${type}\` is invalid. Accepted values for the Content-Type header are: ${list}`,
    );
  }
  return type;
}

function parseJson(text: string): unknown {
  try {
    return parseExact(text);
  } catch (error) {
    throw new MeiliError(
      'malformed_payload',
      `The json payload provided is malformed. \`${(error as Error).message}\`.`,
    );
  }
}

/** The JSON text of a body route: 415 on a missing/other content type, 400 if empty. */
export function jsonText(headers: IncomingHttpHeaders, raw: unknown): string {
  checkContentType(headers, [JSON_TYPE]);
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  if (text.trim() === '') throw new MeiliError('missing_payload', 'A json payload is missing.');
  return text;
}

/** The JSON body of a body route: 415 on a missing/other content type, 400 if empty or unparsable. */
export function jsonBody(headers: IncomingHttpHeaders, raw: unknown): unknown {
  const text = jsonText(headers, raw);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MeiliError(
      'malformed_payload',
      `The json payload provided is malformed. \`${(error as Error).message}\`.`,
    );
  }
}

/** A documents payload's format and text, after Meilisearch's content-type and emptiness checks. */
export function documentsContent(
  headers: IncomingHttpHeaders,
  raw: unknown,
): { format: 'json' | 'ndjson' | 'csv'; text: string } {
  const type = checkContentType(headers, DOCUMENT_TYPES);
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  const format = type === JSON_TYPE ? 'json' : type === NDJSON_TYPE ? 'ndjson' : 'csv';
  if (text.trim() === '')
    throw new MeiliError('missing_payload', `A ${format} payload is missing.`);
  return { format, text };
}

export type Document = Record<string, unknown>;

function isDocument(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function malformedDocuments(kind: string): MeiliError {
  return new MeiliError(
    'malformed_payload',
    `The \`${kind}\` payload provided is malformed: expected an object or an array of objects.`,
  );
}

/** Documents from a JSON, NDJSON or CSV body; a lone JSON object is one document. */
export function documentsBody(
  headers: IncomingHttpHeaders,
  raw: unknown,
  csvDelimiter = ',',
): Document[] {
  const type = checkContentType(headers, DOCUMENT_TYPES);
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  const kind = type === JSON_TYPE ? 'json' : type === NDJSON_TYPE ? 'ndjson' : 'csv';
  if (text.trim() === '') throw new MeiliError('missing_payload', `A ${kind} payload is missing.`);
  if (type === CSV_TYPE) return parseCsv(text, csvDelimiter);
  if (type === NDJSON_TYPE) {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const value = parseJson(line);
        if (!isDocument(value)) throw malformedDocuments(kind);
        return value;
      });
  }
  const value = parseJson(text);
  if (isDocument(value)) return [value];
  if (Array.isArray(value) && value.every(isDocument)) return value;
  throw malformedDocuments(kind);
}
