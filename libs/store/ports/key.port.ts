import type { Page, PageRequest } from './table.port.js';

/** A Miroir API key. Its value derives from uid + master key, so it is never stored. */
export interface ApiKeyRecord {
  uid: string;
  name: string | null;
  description: string | null;
  actions: string[];
  indexes: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface KeyStore {
  get(uid: string): Promise<ApiKeyRecord | null>;
  /** False when the uid is taken. */
  create(key: ApiKeyRecord): Promise<boolean>;
  update(
    uid: string,
    mutate: (current: ApiKeyRecord) => ApiKeyRecord,
  ): Promise<ApiKeyRecord | null>;
  delete(uid: string): Promise<boolean>;
  /** Ordered by uid. */
  list(page?: PageRequest): Promise<Page<ApiKeyRecord>>;
}
