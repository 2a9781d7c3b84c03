import { parseNumber, type CompareOp } from './ast.js';
import { normalizeValue } from './normalize.js';

export interface FieldValues {
  /** The field is present (even with null). */
  present: boolean;
  /** Values found at the path, arrays not flattened (for `IS NULL` / `IS EMPTY`). */
  raw: unknown[];
}

/**
 * The values at a dotted path: `a.b` reads `{a: {b}}`, `{"a.b": …}` and every object of an
 * array under `a`.
 */
export function valuesAt(doc: unknown, path: string): FieldValues {
  const raw: unknown[] = [];
  collect(doc, path, raw);
  return { present: raw.length > 0, raw };
}

function collect(value: unknown, path: string, out: unknown[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, path, out);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (key === path) out.push(child);
    else if (path.startsWith(key) && path[key.length] === '.') {
      collect(child, path.slice(key.length + 1), out);
    }
  }
}

/** Scalar leaves of the raw values: array items and nested arrays flattened. */
export function leaves(raw: unknown[]): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(v);
  };
  raw.forEach(walk);
  return out;
}

/** `leaf = operand`: normalised string equality, numeric equality, booleans as strings. */
export function leafEquals(leaf: unknown, operand: string): boolean {
  if (typeof leaf === 'string') return normalizeValue(leaf) === normalizeValue(operand);
  if (typeof leaf === 'boolean') return String(leaf) === normalizeValue(operand);
  if (typeof leaf === 'number') return parseNumber(operand) === leaf;
  return false;
}

/** `leaf op operand` for `<`, `<=`, `>`, `>=`: numeric when the operand is a number, else byte
 *  order of the normalised string value against the raw operand. */
export function leafCompares(leaf: unknown, op: CompareOp, operand: string): boolean {
  const n = parseNumber(operand);
  if (n !== undefined) return typeof leaf === 'number' && holds(compareNumbers(leaf, n), op);
  return typeof leaf === 'string' && holds(compareUtf8(normalizeValue(leaf), operand), op);
}

/** `from <= leaf <= to`, numeric when both bounds are numbers, else by string byte order. */
export function leafInRange(leaf: unknown, from: string, to: string): boolean {
  const a = parseNumber(from);
  const b = parseNumber(to);
  if (a !== undefined && b !== undefined) return typeof leaf === 'number' && leaf >= a && leaf <= b;
  if (typeof leaf !== 'string') return false;
  const s = normalizeValue(leaf);
  return compareUtf8(s, from) >= 0 && compareUtf8(s, to) <= 0;
}

export function isEmptyValue(v: unknown): boolean {
  if (v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length === 0;
}

function holds(cmp: number, op: CompareOp): boolean {
  switch (op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
  }
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Strings in UTF-8 byte order, as Meilisearch compares them (filters, sorts, facet values): the
 * one string order of the project. JavaScript's `<` compares UTF-16 units, which differs only
 * between surrogate pairs (U+10000…) and U+E000…U+FFFF, fixed up below without allocating.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (D800–DFFF) encode code points above every BMP unit: move them past E000–FFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}
