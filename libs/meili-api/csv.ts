/** CSV documents as Meilisearch reads them: a header of `name` or `name:string|number|boolean`. */
import { MeiliError } from '#lib/errors';
import type { Document } from './payload.js';

function malformed(message: string): MeiliError {
  return new MeiliError(
    'malformed_payload',
    `The \`csv\` payload provided is malformed: ${message}.`,
  );
}

/** RFC 4180 records: quoted fields may hold the delimiter, quotes ("") and newlines. */
function records(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw malformed('unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

type Column = { name: string; type: 'string' | 'number' | 'boolean' };

function column(header: string): Column {
  const at = header.lastIndexOf(':');
  const type = at >= 0 ? header.slice(at + 1) : '';
  if (type === 'string' || type === 'number' || type === 'boolean')
    return { name: header.slice(0, at), type };
  return { name: header, type: 'string' };
}

function convert(value: string, col: Column, line: number): unknown {
  if (col.type === 'string') return value;
  if (value.trim() === '') return null;
  if (col.type === 'number') {
    const n = Number(value.trim());
    if (!Number.isFinite(n))
      throw malformed(`line ${line}: \`${value}\` is not a number for \`${col.name}\``);
    return n;
  }
  const b = value.trim().toLowerCase();
  if (b !== 'true' && b !== 'false')
    throw malformed(`line ${line}: \`${value}\` is not a boolean for \`${col.name}\``);
  return b === 'true';
}

export function parseCsv(text: string, delimiter: string): Document[] {
  if (delimiter.length !== 1)
    throw new MeiliError(
      'invalid_document_csv_delimiter',
      'The CSV delimiter must be a single ASCII character.',
    );
  const [header, ...rows] = records(text, delimiter);
  if (!header) return [];
  const columns = header.map(column);
  return rows.map((row, index) => {
    if (row.length !== columns.length)
      throw malformed(`line ${index + 2} has ${row.length} fields, expected ${columns.length}`);
    const doc: Document = {};
    columns.forEach((col, i) => (doc[col.name] = convert(row[i]!, col, index + 2)));
    return doc;
  });
}
