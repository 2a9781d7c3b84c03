import type { Page, PageRequest } from './table.port.js';

/** Index metadata: what the gateway needs before it can route a write or answer GET /indexes. */
export interface IndexRecord {
  uid: string;
  primaryKey: string | null;
  /** Shard count S, fixed at creation. */
  shards: number;
  createdAt: string;
  updatedAt: string;
  /** Client-visible settings (never the reserved `_miroir_*` fields). */
  settings: Record<string, unknown>;
  /** Grows on every settings change; node_settings_version records compare against it. */
  settingsVersion: number;
}

export interface IndexStore {
  get(uid: string): Promise<IndexRecord | null>;
  /** False when the uid is taken. */
  create(record: IndexRecord): Promise<boolean>;
  /** Read-modify-write with optimistic retry; null when the index does not exist. */
  update(uid: string, mutate: (current: IndexRecord) => IndexRecord): Promise<IndexRecord | null>;
  delete(uid: string): Promise<boolean>;
  /** Ordered by uid, as Meilisearch's GET /indexes. */
  list(page?: PageRequest): Promise<Page<IndexRecord>>;
}
