/** API keys (emulator.md §6): creation/patch rules, lookup by uid or value, default keys. */
import { randomUUID } from 'node:crypto';
import { MeiliError } from '#lib/errors';
import { asObject, describeValue, rejectUnknown } from '../http/params.js';
import { isAction } from './actions.js';
import { deriveKey } from './key-derivation.js';

export interface ApiKey {
  uid: string;
  name: string | null;
  description: string | null;
  actions: string[];
  indexes: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Creation order, breaking createdAt ties in listings. */
  seq: number;
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

export const DEFAULT_KEYS: ReadonlyArray<Pick<ApiKey, 'name' | 'description' | 'actions'>> = [
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
  if (typeof value !== 'string')
    throw invalid(`expected a string or null, but found ${describeValue(value)}`);
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const spaced = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
  let ms = Number.NaN;
  if (rfc3339.test(value)) ms = Date.parse(value);
  else if (spaced.test(value)) ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  else if (dateOnly.test(value)) ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms))
    throw invalid(`\`${value}\` is not a valid date. It should follow the RFC 3339 format`);
  if (ms <= now) throw invalid(`\`${value}\` is not in the future.`);
  return new Date(ms).toISOString();
}

function stringList(
  body: Record<string, unknown>,
  field: string,
  code: string,
  valid: (s: string) => boolean,
): string[] {
  const value = body[field];
  if (!Array.isArray(value))
    throw new MeiliError(
      code,
      `Invalid value type at \`.${field}\`: expected an array, but found ${describeValue(value)}`,
    );
  value.forEach((item, i) => {
    if (typeof item !== 'string' || !valid(item))
      throw new MeiliError(
        code,
        `Invalid value at \`.${field}[${i}]\`: ${JSON.stringify(item)} is not accepted`,
      );
  });
  return value as string[];
}

export class KeyStore {
  private readonly keys = new Map<string, ApiKey>();
  private readonly uidByValue = new Map<string, string>();
  private seq = 0;

  constructor(private readonly masterKey: string | undefined) {}

  valueOf(key: ApiKey): string {
    return deriveKey(this.masterKey ?? '', key.uid);
  }

  createDefaults(now: number): void {
    for (const template of DEFAULT_KEYS) {
      const at = new Date(now).toISOString();
      this.insert({
        ...template,
        uid: randomUUID(),
        indexes: ['*'],
        expiresAt: null,
        createdAt: at,
        updatedAt: at,
        seq: 0,
      });
    }
  }

  list(): ApiKey[] {
    return [...this.keys.values()].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.seq - a.seq,
    );
  }

  /** By uid (any case) or by key value. */
  find(keyOrUid: string): ApiKey | undefined {
    return (
      this.keys.get(keyOrUid.toLowerCase()) ?? this.keys.get(this.uidByValue.get(keyOrUid) ?? '')
    );
  }

  byValue(value: string): ApiKey | undefined {
    const uid = this.uidByValue.get(value);
    return uid === undefined ? undefined : this.keys.get(uid);
  }

  get(keyOrUid: string): ApiKey {
    const key = this.find(keyOrUid);
    if (!key) throw new MeiliError('api_key_not_found', `API key \`${keyOrUid}\` not found.`);
    return key;
  }

  create(input: unknown, now: number): ApiKey {
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
      if (typeof body.uid !== 'string' || !UUID.test(body.uid))
        throw new MeiliError(
          'invalid_api_key_uid',
          `Invalid value at \`.uid\`: invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${String(body.uid)}\``,
        );
      uid = body.uid.toLowerCase();
    }
    const key: ApiKey = {
      uid,
      name: stringOrNull(body, 'name', 'invalid_api_key_name'),
      description: stringOrNull(body, 'description', 'invalid_api_key_description'),
      actions: stringList(body, 'actions', 'invalid_api_key_actions', isAction),
      indexes: stringList(body, 'indexes', 'invalid_api_key_indexes', (s) => INDEX_PATTERN.test(s)),
      expiresAt: parseExpiresAt(body.expiresAt, now),
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      seq: 0,
    };
    if (this.keys.has(uid))
      throw new MeiliError(
        'api_key_already_exists',
        `\`uid\` field value \`${uid}\` is already an existing API key.`,
      );
    this.insert(key);
    return key;
  }

  update(keyOrUid: string, input: unknown, now: number): ApiKey {
    const key = this.get(keyOrUid);
    const body = asObject(input);
    for (const field of Object.keys(body)) {
      const code = IMMUTABLE[field];
      if (code)
        throw new MeiliError(
          code,
          `Immutable field \`${field}\`: expected one of \`name\`, \`description\``,
        );
    }
    rejectUnknown(body, ['name', 'description'], 'field');
    const name = 'name' in body ? stringOrNull(body, 'name', 'invalid_api_key_name') : key.name;
    const description =
      'description' in body
        ? stringOrNull(body, 'description', 'invalid_api_key_description')
        : key.description;
    Object.assign(key, { name, description, updatedAt: new Date(now).toISOString() });
    return key;
  }

  delete(keyOrUid: string): ApiKey {
    const key = this.get(keyOrUid);
    this.remove(key.uid);
    return key;
  }

  /** Removes a key by uid if present (journal replay). */
  remove(uid: string): void {
    const key = this.keys.get(uid);
    if (!key) return;
    this.keys.delete(uid);
    this.uidByValue.delete(this.valueOf(key));
  }

  /** Puts a key back as persisted (no validation, keeps its dates). */
  insert(key: ApiKey): void {
    key.seq = ++this.seq;
    this.keys.set(key.uid, key);
    this.uidByValue.set(this.valueOf(key), key.uid);
  }

  clear(): void {
    this.keys.clear();
    this.uidByValue.clear();
  }

  /** Key as the API shows it. */
  render(key: ApiKey): Record<string, unknown> {
    const { name, description, uid, actions, indexes, expiresAt, createdAt, updatedAt } = key;
    return {
      name,
      description,
      key: this.valueOf(key),
      uid,
      actions,
      indexes,
      expiresAt,
      createdAt,
      updatedAt,
    };
  }
}
