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
  return typeof leaf === 'string' && holds(compareBytes(normalizeValue(leaf), operand), op);
}

/** `from <= leaf <= to`, numeric when both bounds are numbers, else by string byte order. */
export function leafInRange(leaf: unknown, from: string, to: string): boolean {
  const a = parseNumber(from);
  const b = parseNumber(to);
  if (a !== undefined && b !== undefined) return typeof leaf === 'number' && leaf >= a && leaf <= b;
  if (typeof leaf !== 'string') return false;
  const s = normalizeValue(leaf);
  return compareBytes(s, from) >= 0 && compareBytes(s, to) <= 0;
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

/** UTF-8 byte order (code-point order, which UTF-16 comparison breaks for astral characters). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
