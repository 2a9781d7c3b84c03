/** API keys (emulator.md §6): Meilisearch's rules from libs/meili-api, kept in memory. */
import { MeiliError } from '#lib/errors';
import {
  defaultKeys,
  deriveKey,
  parseKeyCreation,
  parseKeyPatch,
  renderKey,
  type ApiKeyFields,
} from '#lib/meili-api';

export interface ApiKey extends ApiKeyFields {
  /** Creation order, breaking createdAt ties in listings. */
  seq: number;
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
    for (const key of defaultKeys(new Date(now))) this.insert({ ...key, seq: 0 });
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
    const key: ApiKey = { ...parseKeyCreation(input, now), seq: 0 };
    if (this.keys.has(key.uid))
      throw new MeiliError(
        'api_key_already_exists',
        `\`uid\` field value \`${key.uid}\` is already an existing API key.`,
      );
    this.insert(key);
    return key;
  }

  update(keyOrUid: string, input: unknown, now: number): ApiKey {
    const key = this.get(keyOrUid);
    Object.assign(key, parseKeyPatch(input), { updatedAt: new Date(now).toISOString() });
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
    return renderKey(key, this.valueOf(key));
  }
}
