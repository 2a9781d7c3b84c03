import type { Clock } from '../clock.js';
import type { Fence } from '../fence.js';
import {
  pageBounds,
  type Page,
  type PageRequest,
  type PutOptions,
  type Table,
  type TableSpec,
} from '../ports/table.port.js';
import type { MemoryLeaseStore } from './memory-lease.store.js';

interface Entry {
  /** Stored as JSON so callers never share objects with the store (as with Redis). */
  json: string;
  expiresAt: number | null;
}

/** Order of the Redis index: by expiry for TTL tables, then by id (byte order). */
function compare(a: [string, Entry], b: [string, Entry]): number {
  const ea = a[1].expiresAt ?? 0;
  const eb = b[1].expiresAt ?? 0;
  if (ea !== eb) return ea - eb;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export class MemoryTable<T> implements Table<T> {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly spec: TableSpec,
    private readonly clock: Clock,
    private readonly leases: MemoryLeaseStore,
  ) {}

  private live(id: string): Entry | null {
    const e = this.entries.get(id);
    if (e === undefined) return null;
    if (e.expiresAt !== null && e.expiresAt <= this.clock.now()) {
      this.entries.delete(id);
      return null;
    }
    return e;
  }

  private expiryOf(options: PutOptions): number | null {
    if (!this.spec.ttl) return null;
    const ttl = options.ttlMs;
    if (ttl === undefined || !Number.isFinite(ttl) || ttl <= 0) {
      throw new RangeError(`table ${this.spec.name} needs a positive ttlMs`);
    }
    return this.clock.now() + Math.ceil(ttl);
  }

  /** Synchronous read, for check-and-set steps built on this table. */
  peek(id: string): T | null {
    const e = this.live(id);
    return e === null ? null : (JSON.parse(e.json) as T);
  }

  /** Synchronous write of a record without TTL. */
  store(id: string, value: T): void {
    this.entries.set(id, { json: JSON.stringify(value), expiresAt: null });
  }

  async get(id: string): Promise<T | null> {
    const e = this.live(id);
    return e === null ? null : (JSON.parse(e.json) as T);
  }

  async put(id: string, value: T, options: PutOptions = {}): Promise<void> {
    const expiresAt = this.expiryOf(options);
    this.leases.assertFence(options.fence);
    this.entries.set(id, { json: JSON.stringify(value), expiresAt });
  }

  async putIfAbsent(id: string, value: T, options: PutOptions = {}): Promise<T | null> {
    const expiresAt = this.expiryOf(options);
    this.leases.assertFence(options.fence);
    const cur = this.live(id);
    if (cur !== null) return JSON.parse(cur.json) as T;
    this.entries.set(id, { json: JSON.stringify(value), expiresAt });
    return null;
  }

  async update(id: string, mutate: (current: T) => T, fence?: Fence): Promise<T | null> {
    const cur = this.live(id);
    if (cur === null) return null;
    const next = mutate(JSON.parse(cur.json) as T);
    this.leases.assertFence(fence);
    cur.json = JSON.stringify(next);
    return JSON.parse(cur.json) as T;
  }

  async delete(id: string, fence?: Fence): Promise<boolean> {
    this.leases.assertFence(fence);
    const existed = this.live(id) !== null;
    this.entries.delete(id);
    return existed;
  }

  async list(page?: PageRequest): Promise<Page<T>> {
    const { offset, limit } = pageBounds(page);
    const live = [...this.entries.keys()]
      .map((id) => [id, this.live(id)] as const)
      .filter((e): e is [string, Entry] => e[1] !== null)
      .sort(compare);
    return {
      results: live.slice(offset, offset + limit).map(([, e]) => JSON.parse(e.json) as T),
      total: live.length,
    };
  }
}
