import { Inject, Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import type { IndexRecord, Store } from '#lib/store';
import { STORE } from '../infra/tokens.js';

/** Index metadata from the store, cached briefly: every routed request needs it. */
@Injectable()
export class IndexRegistry {
  private readonly cache = new Map<string, { record: IndexRecord | null; at: number }>();

  constructor(@Inject(STORE) private readonly store: Store) {}

  async find(uid: string): Promise<IndexRecord | null> {
    const hit = this.cache.get(uid);
    if (hit && Date.now() - hit.at < 500) return hit.record;
    const record = await this.store.indexes.get(uid);
    this.cache.set(uid, { record, at: Date.now() });
    return record;
  }

  async get(uid: string): Promise<IndexRecord> {
    const record = await this.find(uid);
    if (!record) throw indexNotFound(uid);
    return record;
  }

  forget(uid: string): void {
    this.cache.delete(uid);
  }
}

export function indexNotFound(uid: string): MeiliError {
  return new MeiliError('index_not_found', `Index \`${uid}\` not found.`);
}

/** The index object of GET /indexes. */
export function renderIndex(record: IndexRecord): Record<string, unknown> {
  return {
    uid: record.uid,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    primaryKey: record.primaryKey,
  };
}
