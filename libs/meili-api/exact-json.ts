import { isSafeNumber, parse as losslessParse } from 'lossless-json';

/**
 * JSON whose integers beyond 2^53 stay exact (as BigInt), the way a Meilisearch node keeps them.
 * Plain JSON.parse/stringify when a text or value has none, so the common case costs nothing extra.
 */

/**
 * Runs of 16+ digits are the only way a JSON text can hold an integer JSON.parse would round. A run
 * after a `.` is a fraction (every `_rankingScore` has one): JSON.parse reads it as a node would.
 */
const LONG_DIGITS = /(?<![\d.])\d{16,}/;

function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text)) return Number(text);
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}

export function parseExact(text: string): unknown {
  return LONG_DIGITS.test(text) ? losslessParse(text, null, parseNumber) : JSON.parse(text);
}

/** Whether a parsed value holds a BigInt anywhere. */
export function hasBigInt(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (Array.isArray(value)) return value.some(hasBigInt);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasBigInt);
  return false;
}

const MARK = '\u0000bigint:';

/** JSON text of a value that may hold BigInts, written as plain JSON integers. */
export function stringifyExact(value: unknown, withBigInts: boolean): string {
  if (!withBigInts) return JSON.stringify(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? MARK + v : v)).replace(
    /"\\u0000bigint:(-?\d+)"/g,
    '$1',
  );
}
