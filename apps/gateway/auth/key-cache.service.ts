import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { defaultKeys, deriveKey } from '#lib/meili-api';
import type { ApiKeyRecord, Store } from '#lib/store';
import { CONFIG, STORE } from '../infra/tokens.js';

const TTL_MS = 1000;
/** A miss re-reads the store at most this often, so random tokens cannot hammer Redis. */
const MISS_RELOAD_MS = 100;

/**
 * Miroir's API keys by value. Values derive from uid and master key (never stored), so the cache
 * maps derived value → record; it reloads every second, and on a miss at most every 100 ms so a key
 * created through another gateway works at once.
 */
@Injectable()
export class KeyCacheService {
  private readonly logger = new Logger('Keys');
  private byValue = new Map<string, ApiKeyRecord>();
  private loadedAt = 0;
  private missReloadAt = 0;

  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
  ) {}

  valueOf(uid: string): string {
    return deriveKey(this.config.masterKey ?? '', uid);
  }

  /** Creates Meilisearch's default keys on the very first start (one gateway wins the lease). */
  async ensureDefaultKeys(): Promise<void> {
    if (!this.config.masterKey) return;
    const lease = await this.store.leases.acquire('keys-bootstrap', this.config.podId, 10_000);
    if (!lease) return;
    try {
      const existing = await this.store.keys.list({ offset: 0, limit: 1 });
      if (existing.total > 0) return;
      for (const key of defaultKeys(new Date())) await this.store.keys.create(key);
      this.logger.log('created the default API keys');
    } finally {
      await this.store.leases.release(lease);
    }
    this.invalidate();
  }

  invalidate(): void {
    this.loadedAt = 0;
  }

  async find(value: string): Promise<ApiKeyRecord | undefined> {
    const now = Date.now();
    if (now - this.loadedAt > TTL_MS) await this.reload();
    let key = this.byValue.get(value);
    if (!key && now - this.missReloadAt > MISS_RELOAD_MS) {
      this.missReloadAt = now;
      await this.reload();
      key = this.byValue.get(value);
    }
    return key;
  }

  async byUid(uid: string): Promise<ApiKeyRecord | null> {
    return this.store.keys.get(uid);
  }

  private async reload(): Promise<void> {
    const next = new Map<string, ApiKeyRecord>();
    for (let offset = 0; ; offset += 1000) {
      const page = await this.store.keys.list({ offset, limit: 1000 });
      for (const key of page.results) next.set(this.valueOf(key.uid), key);
      if (offset + 1000 >= page.total) break;
    }
    this.byValue = next;
    this.loadedAt = Date.now();
  }
}
