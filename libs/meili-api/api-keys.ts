/** Meilisearch's API key rules (create/patch validation, default keys, rendering), storage-free. */
import { randomUUID } from 'node:crypto';
import { MeiliError } from '#lib/errors';
import { isAction } from './actions.js';
import { asObject, describeValue, rejectUnknown } from './params.js';

export interface ApiKeyFields {
  uid: string;
  name: string | null;
  description: string | null;
  actions: string[];
  indexes: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INDEX_PATTERN = /^[A-Za-z0-9_-]{1,400}\*?$|^\*$/;
const CREATE_FIELDS = ['uid', 'name', 'description', 'actions', 'indexes', 'expiresAt'] as const;
const IMMUTABLE: Record<string, string> = {
  uid: 'immutable_api_key_uid',
  key: 'immutable_api_key_key',
  actions: 'immutable_api_key_actions',
  indexes: 'immutable_api_key_indexes',
  expiresAt: 'immutable_api_key_expires_at',
  createdAt: 'immutable_api_key_created_at',
  updatedAt: 'immutable_api_key_updated_at',
};

/** The four keys a fresh Meilisearch creates (random uids, every index, no expiry). */
export const DEFAULT_KEYS: ReadonlyArray<Pick<ApiKeyFields, 'name' | 'description' | 'actions'>> = [
  {
    name: 'Default Search API Key',
    description: 'Use it to search from the frontend',
    actions: ['search'],
  },
  {
    name: 'Default Admin API Key',
    description:
      'Use it for anything that is not a search operation. Caution! Do not expose it on a public frontend',
    actions: ['*'],
  },
  {
    name: 'Default Read-Only Admin API Key',
    description:
      'Use it to read information across the whole database. Caution! Do not expose it on a public frontend',
    actions: ['*.get', 'keys.get'],
  },
  {
    name: 'Default Chat API Key',
    description: 'Use it to chat and search from the frontend',
    actions: ['chatCompletions', 'search'],
  },
];

export function defaultKeys(now: Date): ApiKeyFields[] {
  const at = now.toISOString();
  return DEFAULT_KEYS.map((template) => ({
    ...template,
    actions: [...template.actions],
    uid: randomUUID(),
    indexes: ['*'],
    expiresAt: null,
    createdAt: at,
    updatedAt: at,
  }));
}

function stringOrNull(body: Record<string, unknown>, field: string, code: string): string | null {
  const value = body[field] ?? null;
  if (value === null || typeof value === 'string') return value;
  throw new MeiliError(
    code,
    `Invalid value type at \`.${field}\`: expected a string, but found ${describeValue(value)}`,
  );
}

/** RFC 3339, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD` (UTC), in the future; null = never. */
function parseExpiresAt(value: unknown, now: number): string | null {
  if (value === null) return null;
  const invalid = (why: string) =>
    new MeiliError('invalid_api_key_expires_at', `Invalid value at \`.expiresAt\`: ${why}`);
  if (typeof value !== 'string') {
    throw invalid(`expected a string or null, but found ${describeValue(value)}`);
  }
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const spaced = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
  let ms = Number.NaN;
  if (rfc3339.test(value)) ms = Date.parse(value);
  else if (spaced.test(value)) ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  else if (dateOnly.test(value)) ms = Date.parse(`${value}T00:00:00Z`);
  // One message for a malformed and a past date (meilisearch error.rs `ParseOffsetDateTimeError`,
  // trailing newline included).
  if (Number.isNaN(ms) || ms <= now) {
    throw invalid(
      `\`${value}\` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.\n`,
    );
  }
  return new Date(ms).toISOString();
}

function stringList(
  body: Record<string, unknown>,
  field: string,
  code: string,
  valid: (s: string) => boolean,
): string[] {
  const value = body[field];
  if (!Array.isArray(value)) {
    throw new MeiliError(
      code,
      `Invalid value type at \`.${field}\`: expected an array, but found ${describeValue(value)}`,
    );
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' || !valid(item)) {
      throw new MeiliError(
        code,
        `Invalid value at \`.${field}[${i}]\`: ${JSON.stringify(item)} is not accepted`,
      );
    }
  });
  return value as string[];
}

/** Validates a `POST /keys` body into a new key (uid chosen when absent, lower-cased). */
export function parseKeyCreation(input: unknown, now: number): ApiKeyFields {
  const body = asObject(input);
  rejectUnknown(body, CREATE_FIELDS, 'field');
  for (const [field, code] of [
    ['actions', 'missing_api_key_actions'],
    ['indexes', 'missing_api_key_indexes'],
    ['expiresAt', 'missing_api_key_expires_at'],
  ] as const) {
    if (!(field in body)) throw new MeiliError(code, `Missing field \`${field}\``);
  }
  let uid: string = randomUUID();
  if (body.uid !== undefined) {
    if (typeof body.uid !== 'string' || !UUID.test(body.uid)) {
      throw new MeiliError(
        'invalid_api_key_uid',
        `Invalid value at \`.uid\`: invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${String(body.uid)}\``,
      );
    }
    uid = body.uid.toLowerCase();
  }
  const at = new Date(now).toISOString();
  return {
    uid,
    name: stringOrNull(body, 'name', 'invalid_api_key_name'),
    description: stringOrNull(body, 'description', 'invalid_api_key_description'),
    actions: stringList(body, 'actions', 'invalid_api_key_actions', isAction),
    indexes: stringList(body, 'indexes', 'invalid_api_key_indexes', (s) => INDEX_PATTERN.test(s)),
    expiresAt: parseExpiresAt(body.expiresAt, now),
    createdAt: at,
    updatedAt: at,
  };
}

/** Validates a `PATCH /keys/{key}` body: only `name` and `description` may change. */
export function parseKeyPatch(input: unknown): {
  name?: string | null;
  description?: string | null;
} {
  const body = asObject(input);
  for (const field of Object.keys(body)) {
    const code = IMMUTABLE[field];
    if (code) {
      throw new MeiliError(
        code,
        `Immutable field \`${field}\`: expected one of \`name\`, \`description\``,
      );
    }
  }
  rejectUnknown(body, ['name', 'description'], 'field');
  const patch: { name?: string | null; description?: string | null } = {};
  if ('name' in body) patch.name = stringOrNull(body, 'name', 'invalid_api_key_name');
  if ('description' in body) {
    patch.description = stringOrNull(body, 'description', 'invalid_api_key_description');
  }
  return patch;
}

/** A key as the API shows it, with its derived value. */
export function renderKey(key: ApiKeyFields, value: string): Record<string, unknown> {
  const { name, description, uid, actions, indexes } = key;
  return {
    name,
    description,
    key: value,
    uid,
    actions,
    indexes,
    expiresAt: key.expiresAt === null ? null : rfc3339(key.expiresAt),
    createdAt: rfc3339(key.createdAt),
    updatedAt: rfc3339(key.updatedAt),
  };
}

/**
 * A date as Meilisearch prints it (the `time` crate's RFC 3339 formatter): UTC with `Z`, and a
 * fraction of a second only when it is not zero, without trailing zeros.
 */
export function rfc3339(iso: string): string {
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

export function isExpired(key: Pick<ApiKeyFields, 'expiresAt'>, now: number): boolean {
  return key.expiresAt !== null && Date.parse(key.expiresAt) <= now;
}
