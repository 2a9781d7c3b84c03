import type { ApiKeyRecord, KeyStore } from './ports/key.port.js';
import type { Page, PageRequest, Table } from './ports/table.port.js';

/** API keys are a plain table keyed by uid; this gives it its port name. */
class UidStore<T extends { uid: string }> {
  constructor(private readonly table: Table<T>) {}

  get(uid: string): Promise<T | null> {
    return this.table.get(uid);
  }

  async create(record: T): Promise<boolean> {
    return (await this.table.putIfAbsent(record.uid, record)) === null;
  }

  /** The uid is the identity: a mutation cannot change it. */
  update(uid: string, mutate: (current: T) => T): Promise<T | null> {
    return this.table.update(uid, (cur) => ({ ...mutate(cur), uid }));
  }

  delete(uid: string): Promise<boolean> {
    return this.table.delete(uid);
  }

  list(page?: PageRequest): Promise<Page<T>> {
    return this.table.list(page);
  }
}

export class TableKeyStore extends UidStore<ApiKeyRecord> implements KeyStore {}
