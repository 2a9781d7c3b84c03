import { normalizeText } from '#lib/filter';
import type { Document } from './document-store.js';
import { isUnder } from './filterable.js';
import type { QueryTerm } from './query.js';
import type { Tokenizer } from './tokenizer.js';
import { getOwn, setOwn } from '#lib/meili-api';

/** Keeps the fields named by `names` (`*` = all; dotted paths select nested fields), in the
 *  given top-level field order. */
export function selectFields(
  doc: Document,
  names: string[],
  order?: Map<string, number>,
): Document {
  const keys = Object.keys(doc);
  if (order) keys.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
  if (names.includes('*')) {
    if (!order) return doc;
    return Object.fromEntries(keys.map((k) => [k, doc[k]]));
  }
  const out: Document = {};
  for (const key of keys) {
    if (names.includes(key)) {
      setOwn(out, key, doc[key]);
      continue;
    }
    const nested = names
      .filter((n) => n.startsWith(key) && n[key.length] === '.')
      .map((n) => n.slice(key.length + 1));
    if (nested.length === 0) continue;
    const picked = selectNested(doc[key], nested);
    if (picked !== undefined) setOwn<unknown>(out, key, picked);
  }
  return out;
}

function selectNested(value: unknown, names: string[]): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => selectNested(v, names)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const picked = selectFields(value as Document, names);
    return Object.keys(picked).length > 0 ? picked : undefined;
  }
  return undefined;
}

export interface FormatOptions {
  terms: QueryTerm[];
  tokenizer: Tokenizer;
  highlight: string[];
  crop: Map<string, number> | null;
  cropLength: number;
  cropMarker: string;
  preTag: string;
  postTag: string;
}

/** `_formatted`: numbers as strings, matched words wrapped in highlighted attributes, cropped
 *  attributes cut to about their crop length in words around the first match. */
export function formatHit(doc: Document, options: FormatOptions): Document {
  return formatValue(doc, '', options) as Document;
}

function formatValue(value: unknown, path: string, o: FormatOptions): unknown {
  if (Array.isArray(value)) return value.map((v) => formatValue(v, path, o));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        formatValue(v, path === '' ? k : `${path}.${k}`, o),
      ]),
    );
  }
  if (typeof value !== 'string' && typeof value !== 'number') return value;
  const text = String(value);
  const highlight = o.highlight.some((h) => h === '*' || isUnder(path, h));
  const cropLength = cropLengthOf(path, o);
  if (!highlight && cropLength === undefined) return text;
  return render(text, highlight, cropLength, o);
}

function cropLengthOf(path: string, o: FormatOptions): number | undefined {
  if (!o.crop) return undefined;
  for (const [name, length] of o.crop) if (name === '*' || isUnder(path, name)) return length;
  return undefined;
}

function render(
  text: string,
  highlight: boolean,
  cropLength: number | undefined,
  o: FormatOptions,
): string {
  const words = o.tokenizer.spans(text).map((w) => ({ ...w, match: matchLength(w.text, o.terms) }));
  let from = 0;
  let to = text.length;
  let first = 0;
  let last = words.length;
  if (cropLength !== undefined && words.length > cropLength) {
    const hit = Math.max(
      0,
      words.findIndex((w) => w.match > 0),
    );
    first = Math.max(
      0,
      Math.min(hit - Math.floor((cropLength - 1) / 2), words.length - cropLength),
    );
    last = first + cropLength;
    from = words[first]!.at;
    const end = words[last - 1]!;
    to = end.at + end.text.length;
  }
  let out = cropLength !== undefined && first > 0 ? o.cropMarker : '';
  let cursor = from;
  if (highlight) {
    for (const w of words.slice(first, last)) {
      if (w.match === 0) continue;
      const cut = w.at + w.match;
      out += text.slice(cursor, w.at) + o.preTag + text.slice(w.at, cut) + o.postTag;
      cursor = cut;
    }
  }
  out += text.slice(cursor, to);
  if (cropLength !== undefined && last < words.length) out += o.cropMarker;
  return out;
}

/** UTF-16 length of the original word to highlight: the whole word, or for a prefix match
 *  only the part covering the term; 0 when the word does not match. */
function matchLength(original: string, terms: QueryTerm[]): number {
  const word = normalizeText(original);
  let best = 0;
  for (const term of terms) {
    const d = term.derivations.get(word);
    if (!d) continue;
    if (term.prefix && d.typos === 0 && word !== term.word && word.startsWith(term.word)) {
      best = Math.max(best, originalLength(original, term.word.length));
    } else return original.length;
  }
  return best;
}

/** How many UTF-16 units of `original` normalise to the first `normalised` units. */
function originalLength(original: string, normalised: number): number {
  let seen = 0;
  let i = 0;
  for (const ch of original) {
    if (seen >= normalised) break;
    seen += normalizeText(ch).length;
    i += ch.length;
  }
  return i;
}

export interface MatchPosition {
  start: number;
  length: number;
  indices?: number[];
}

/** `_matchesPosition` (a MAY of the spec): per dotted path, the UTF-16 offset and length of each
 *  matched word, with the array index for array items. */
export function matchesPosition(
  doc: Document,
  terms: QueryTerm[],
  tokenizer: Tokenizer,
): Record<string, MatchPosition[]> {
  const out: Record<string, MatchPosition[]> = {};
  const visit = (value: unknown, path: string, index: number | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, path, i));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path === '' ? k : `${path}.${k}`, index);
    } else if (typeof value === 'string' || typeof value === 'number') {
      for (const w of tokenizer.spans(String(value))) {
        const length = matchLength(w.text, terms);
        if (length === 0) continue;
        if (!getOwn(out, path)) setOwn(out, path, []);
        getOwn(out, path)!.push(
          index === undefined ? { start: w.at, length } : { start: w.at, length, indices: [index] },
        );
      }
    }
  };
  visit(doc, '', undefined);
  return out;
}
