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

/**
 * `body[key]` when it passes `check`, undefined when absent (`null` counts as absent, as in
 * Meilisearch), else Meilisearch's typed error.
 */
function optional<T>(
  body: Record<string, unknown>,
  key: string,
  code: string,
  path: string,
  expected: string,
  check: (v: unknown) => boolean,
): T | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!check(v)) throw invalid(code, path, expected, v);
  return v as T;
}

/** A non-negative integer. */
export const optionalCount = (
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) =>
  optional<number>(
    body,
    key,
    code,
    path,
    'a positive integer',
    (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  );

export const optionalBoolean = (
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) => optional<boolean>(body, key, code, path, 'a boolean', (v) => typeof v === 'boolean');

export const optionalString = (
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) => optional<string>(body, key, code, path, 'a string', (v) => typeof v === 'string');

export const optionalStrings = (
  body: Record<string, unknown>,
  key: string,
  code: string,
  path = `.${key}`,
) =>
  optional<string[]>(
    body,
    key,
    code,
    path,
    'an array of strings',
    (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  );

export function requireObject(v: unknown, path = ''): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new MeiliError(
      'bad_request',
      `Invalid value type${path ? ` at \`${path}\`` : ''}: expected an object, but found ${kindOf(v)}: \`${JSON.stringify(v)}\``,
    );
  }
  return v as Record<string, unknown>;
}
