/** Decoding and validation of query strings and JSON bodies, with Meilisearch's error codes. */
import { MeiliError } from '#lib/errors';

export type Query = Record<string, string | string[] | undefined>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  const text = `\`${JSON.stringify(value)}\``;
  if (Array.isArray(value)) return `an array: ${text}`;
  if (typeof value === 'object') return `an object: ${text}`;
  if (typeof value === 'number') {
    const kind = !Number.isInteger(value)
      ? 'a float'
      : value < 0
        ? 'a negative integer'
        : 'a positive integer';
    return `${kind}: ${text}`;
  }
  return `a ${typeof value}: ${text}`;
}

/** 400 bad_request naming the first field or parameter not in `allowed`. */
export function rejectUnknown(
  values: object,
  allowed: readonly string[],
  what: 'field' | 'parameter',
): void {
  for (const name of Object.keys(values)) {
    if (!allowed.includes(name)) {
      const expected = allowed.map((a) => `\`${a}\``).join(', ');
      throw new MeiliError(
        'bad_request',
        `Unknown ${what} \`${name}\`: expected one of ${expected}`,
      );
    }
  }
}

/** A JSON body that must be an object (bad_request otherwise, as Meilisearch's deserializer). */
export function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new MeiliError(
      'bad_request',
      `Invalid value type: expected an object, but found ${describe(body)}`,
    );
  }
  return body as Record<string, unknown>;
}

/** The last value of a query parameter (repeated parameters: the last one wins). */
export function queryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** A non-negative integer query parameter; `code` on anything else. */
export function queryInteger(query: Query, name: string, code: string): number | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new MeiliError(
      code,
      `Invalid value in parameter \`${name}\`: could not parse \`${raw}\` as a positive integer`,
    );
  }
  return Number(raw);
}

export function queryBoolean(query: Query, name: string, code: string): boolean | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    throw new MeiliError(
      code,
      `Invalid value in parameter \`${name}\`: could not parse \`${raw}\` as a boolean, expected either \`true\` or \`false\``,
    );
  }
  return raw === 'true';
}

/** A comma-separated list parameter, items trimmed, empty items dropped. */
export function queryList(query: Query, name: string): string[] | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function optionalString(
  body: Record<string, unknown>,
  name: string,
  code: string,
): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new MeiliError(
    code,
    `Invalid value type at \`.${name}\`: expected a string, but found ${describe(value)}`,
  );
}

export { describe as describeValue };
