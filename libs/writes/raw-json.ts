/**
 * Reading JSON text without re-serialising it, so documents reach nodes byte for byte (an integer
 * beyond 2^53 stays exact). Every function here takes text that JSON.parse already accepted: it only
 * finds boundaries, it does not validate.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** Index just past the string that opens at `at` (a quote). */
function skipString(text: string, at: number): number {
  let i = at + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    // An odd run of backslashes before the quote escapes it.
    let slashes = 0;
    for (let j = q - 1; j > at && text.charCodeAt(j) === BACKSLASH; j--) slashes++;
    if (slashes % 2 === 0) return q + 1;
    i = q + 1;
  }
}

export interface ValueSpan {
  start: number;
  end: number;
  /** Nesting depth of arrays and objects inside the value (a scalar is 0, `{}` is 1). */
  depth: number;
}

/** The span of the value starting at `at` (no leading whitespace), and how deep it nests. */
export function valueSpan(text: string, at: number): ValueSpan {
  const c = text.charCodeAt(at);
  if (c === QUOTE) return { start: at, end: skipString(text, at), depth: 0 };
  if (c !== OPEN_OBJ && c !== OPEN_ARR) {
    let i = at;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === COMMA || d === CLOSE_OBJ || d === CLOSE_ARR || isSpace(d)) break;
      i++;
    }
    return { start: at, end: i, depth: 0 };
  }
  let depth = 0;
  let max = 0;
  let i = at;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) {
      i = skipString(text, i);
      continue;
    }
    if (d === OPEN_OBJ || d === OPEN_ARR) {
      depth++;
      if (depth > max) max = depth;
    } else if (d === CLOSE_OBJ || d === CLOSE_ARR) {
      depth--;
      if (depth === 0) return { start: at, end: i + 1, depth: max };
    }
    i++;
  }
  return { start: at, end: text.length, depth: max };
}

/**
 * The elements of the top-level value: each element's span for an array, the value itself
 * otherwise.
 */
export function topLevelElements(text: string): ValueSpan[] {
  const start = skipSpace(text, 0);
  if (text.charCodeAt(start) !== OPEN_ARR) return [valueSpan(text, start)];
  const spans: ValueSpan[] = [];
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_ARR) return spans;
  for (;;) {
    const span = valueSpan(text, i);
    spans.push(span);
    i = skipSpace(text, span.end);
    if (text.charCodeAt(i) !== COMMA) return spans;
    i = skipSpace(text, i + 1);
  }
}

/**
 * The raw text of a top-level member's value in an object's text (the last one, as JSON.parse
 * keeps the last of duplicate keys); undefined when absent.
 */
export function memberText(objectText: string, key: string): string | undefined {
  let i = skipSpace(objectText, 0);
  if (objectText.charCodeAt(i) !== OPEN_OBJ) return undefined;
  i = skipSpace(objectText, i + 1);
  let found: string | undefined;
  while (i < objectText.length && objectText.charCodeAt(i) === QUOTE) {
    const keyEnd = skipString(objectText, i);
    const rawKey = objectText.slice(i + 1, keyEnd - 1);
    const name = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
    i = skipSpace(objectText, keyEnd);
    if (objectText.charCodeAt(i) !== COLON) return found;
    i = skipSpace(objectText, i + 1);
    const value = valueSpan(objectText, i);
    if (name === key) found = objectText.slice(value.start, value.end);
    i = skipSpace(objectText, value.end);
    if (objectText.charCodeAt(i) !== COMMA) break;
    i = skipSpace(objectText, i + 1);
  }
  return found;
}

/**
 * One document's text on one line: raw newlines can only be insignificant whitespace in valid JSON
 * (strings escape them), so they become spaces and every value keeps its bytes.
 */
export function oneLine(text: string): string {
  const trimmed = text.trim();
  return trimmed.includes('\n') || trimmed.includes('\r')
    ? trimmed.replace(/[\r\n]/g, ' ')
    : trimmed;
}
