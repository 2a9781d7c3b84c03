import type { Fence } from '../fence.js';

export interface PutOptions {
  /** Required for TTL tables: the record expires this many ms from now. */
  ttlMs?: number;
  /** Refuse the write (StaleFenceError) unless this lease token is still current. */
  fence?: Fence;
}

export interface PageRequest {
  offset?: number;
  limit?: number;
}

export interface Page<T> {
  results: T[];
  total: number;
}

/**
 * One record type keyed by id, with an index so it can be listed without SCAN. Plain tables list
 * by id; TTL tables list by expiry (soonest first) and never return expired records.
 */
export interface Table<T> {
  get(id: string): Promise<T | null>;
  put(id: string, value: T, options?: PutOptions): Promise<void>;
  /** Stores the value only if the id is free; returns the existing record otherwise (null = stored). */
  putIfAbsent(id: string, value: T, options?: PutOptions): Promise<T | null>;
  /**
   * Read-modify-write with optimistic retry (a concurrent write makes `mutate` run again on the
   * new value); keeps the record's TTL. Null when the record does not exist.
   */
  update(id: string, mutate: (current: T) => T, fence?: Fence): Promise<T | null>;
  delete(id: string, fence?: Fence): Promise<boolean>;
  list(page?: PageRequest): Promise<Page<T>>;
}

export interface TableSpec {
  /** Part of the Redis key, e.g. `canaries`. */
  name: string;
  /** Records carry a TTL; puts must give `ttlMs`. */
  ttl: boolean;
}

export const DEFAULT_PAGE_LIMIT = 20;

/** Offset/limit clamped to sane values (bad input never throws here). */
export function pageBounds(page: PageRequest = {}): { offset: number; limit: number } {
  const offset = Number.isInteger(page.offset) && page.offset! > 0 ? page.offset! : 0;
  const limit = Number.isInteger(page.limit) && page.limit! >= 0 ? page.limit! : DEFAULT_PAGE_LIMIT;
  return { offset, limit };
}
