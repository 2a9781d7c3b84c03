import { MeiliError } from '#lib/errors';

/**
 * Checks of the search parameters the planner reads itself, with Meilisearch's codes and message
 * shape. Everything else is left for the nodes to validate, so their errors pass through
 * unchanged.
 */

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a negative integer' : 'a number';
  return `a ${typeof v}`;
}

function invalid(code: string, path: string, expected: string, v: unknown): MeiliError {
  return new MeiliError(
    code,
    `Invalid value type at \`${path}\`: expected ${expected}, but found ${kindOf(v)}: \`${JSON.stringify(v)}\``,
  );
}

/** A non-negative integer, or undefined when absent (`null` counts as absent, as in Meilisearch). */
export function optionalCount(
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalid(code, path, 'a positive integer', v);
  }
  return v;
}

export function optionalBoolean(
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(code, path, 'a boolean', v);
  return v;
}

export function optionalString(
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(code, path, 'a string', v);
  return v;
}

export function optionalStrings(
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw invalid(code, path, 'an array of strings', v);
  }
  return v as string[];
}

export function requireObject(v: unknown, path = ''): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new MeiliError(
      'bad_request',
      `Invalid value type${path ? ` at \`${path}\`` : ''}: expected an object, but found ${kindOf(v)}: \`${JSON.stringify(v)}\``,
    );
  }
  return v as Record<string, unknown>;
}
