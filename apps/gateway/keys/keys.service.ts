import { Inject, Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import {
  parseKeyCreation,
  parseKeyPatch,
  queryInteger,
  rejectUnknown,
  renderKey,
  type Query,
} from '#lib/meili-api';
import type { ApiKeyRecord, Store } from '#lib/store';
import { KeyCacheService } from '../auth/key-cache.service.js';
import { STORE } from '../infra/tokens.js';

/** `/keys`: Miroir's own key store, with Meilisearch's rules and key values. */
@Injectable()
export class KeysService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly cache: KeyCacheService,
  ) {}

  private render(key: ApiKeyRecord): Record<string, unknown> {
    return renderKey(key, this.cache.valueOf(key.uid));
  }

  async list(query: Query): Promise<Record<string, unknown>> {
    rejectUnknown(query, ['offset', 'limit'], 'parameter');
    const offset = queryInteger(query, 'offset', 'invalid_api_key_offset') ?? 0;
    const limit = queryInteger(query, 'limit', 'invalid_api_key_limit') ?? 20;
    const all = await this.store.keys.list({ offset: 0, limit: 1_000_000 });
    const sorted = [...all.results].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return {
      results: sorted.slice(offset, offset + limit).map((k) => this.render(k)),
      offset,
      limit,
      total: sorted.length,
    };
  }

  async create(body: unknown): Promise<Record<string, unknown>> {
    const key = parseKeyCreation(body, Date.now());
    if (!(await this.store.keys.create(key))) {
      throw new MeiliError(
        'api_key_already_exists',
        `\`uid\` field value \`${key.uid}\` is already an existing API key.`,
      );
    }
    this.cache.invalidate();
    return this.render(key);
  }

  async get(keyOrUid: string): Promise<Record<string, unknown>> {
    return this.render(await this.find(keyOrUid));
  }

  async update(keyOrUid: string, body: unknown): Promise<Record<string, unknown>> {
    const key = await this.find(keyOrUid);
    const patch = parseKeyPatch(body);
    const updated = await this.store.keys.update(key.uid, (k) => ({
      ...k,
      ...patch,
      updatedAt: new Date().toISOString(),
    }));
    if (!updated) throw notFound(keyOrUid);
    return this.render(updated);
  }

  async delete(keyOrUid: string): Promise<void> {
    const key = await this.find(keyOrUid);
    await this.store.keys.delete(key.uid);
    this.cache.invalidate();
  }

  private async find(keyOrUid: string): Promise<ApiKeyRecord> {
    const key =
      (await this.store.keys.get(keyOrUid.toLowerCase())) ?? (await this.cache.find(keyOrUid));
    if (!key) throw notFound(keyOrUid);
    return key;
  }
}

function notFound(keyOrUid: string): MeiliError {
  return new MeiliError('api_key_not_found', `API key \`${keyOrUid}\` not found.`);
}
