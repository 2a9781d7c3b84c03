import type { Fence } from '../fence.js';
import {
  pageBounds,
  type Page,
  type PageRequest,
  type PutOptions,
  type Table,
  type TableSpec,
} from '../ports/table.port.js';
import { TABLE_CAS, TABLE_DELETE, TABLE_LIST, TABLE_PUT } from './lua/table.lua.js';
import { fenceOf, MAX_CAS_ATTEMPTS, type RedisContext } from './redis-context.js';

const MAX_PAGE = 1_000_000_000;

/** A Table as JSON strings plus a sorted-set index (see lua/table.lua.ts). */
export class RedisTable<T> implements Table<T> {
  private readonly index: string;

  constructor(
    private readonly ctx: RedisContext,
    readonly spec: TableSpec,
  ) {
    this.index = ctx.keys.tableIndex(spec.name);
  }

  private key(id: string): string {
    return this.ctx.keys.record(this.spec.name, id);
  }

  private ttlOf(options: PutOptions): string {
    if (!this.spec.ttl) return '';
    const ttl = options.ttlMs;
    if (ttl === undefined || !Number.isFinite(ttl) || ttl <= 0) {
      throw new RangeError(`table ${this.spec.name} needs a positive ttlMs`);
    }
    return String(Math.ceil(ttl));
  }

  async get(id: string): Promise<T | null> {
    const raw = await this.ctx.redis.get(this.key(id));
    return raw === null ? null : (JSON.parse(raw) as T);
  }

  private async write(
    id: string,
    value: T,
    options: PutOptions,
    mode: 'set' | 'nx',
  ): Promise<unknown> {
    const ttl = this.ttlOf(options);
    const [lease, token] = fenceOf(this.ctx, options.fence);
    return this.ctx.scripts.run(
      TABLE_PUT,
      [lease, this.key(id), this.index],
      [token, id, JSON.stringify(value), ttl, mode],
      options.fence,
    );
  }

  async put(id: string, value: T, options: PutOptions = {}): Promise<void> {
    await this.write(id, value, options, 'set');
  }

  async putIfAbsent(id: string, value: T, options: PutOptions = {}): Promise<T | null> {
    const res = await this.write(id, value, options, 'nx');
    return typeof res === 'string' ? (JSON.parse(res) as T) : null;
  }

  async update(id: string, mutate: (current: T) => T, fence?: Fence): Promise<T | null> {
    const [lease, token] = fenceOf(this.ctx, fence);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const raw = await this.ctx.redis.get(this.key(id));
      if (raw === null) return null;
      const next = mutate(JSON.parse(raw) as T);
      const ok = await this.ctx.scripts.run(
        TABLE_CAS,
        [lease, this.key(id)],
        [token, raw, JSON.stringify(next)],
        fence,
      );
      if (ok === 1) return next;
    }
    throw new Error(`update of ${this.spec.name}/${id} lost ${MAX_CAS_ATTEMPTS} races in a row`);
  }

  async delete(id: string, fence?: Fence): Promise<boolean> {
    const [lease, token] = fenceOf(this.ctx, fence);
    const n = await this.ctx.scripts.run(
      TABLE_DELETE,
      [lease, this.key(id), this.index],
      [token, id],
      fence,
    );
    return n === 1;
  }

  async list(page?: PageRequest): Promise<Page<T>> {
    const { offset, limit } = pageBounds(page);
    // Lua prints numbers with 14 significant digits: keep "everything" limits well below that.
    const [total, ...ids] = (await this.ctx.scripts.run(
      TABLE_LIST,
      [this.index],
      [this.spec.ttl ? 'ttl' : '', Math.min(offset, MAX_PAGE), Math.min(limit, MAX_PAGE)],
    )) as [number, ...string[]];
    if (ids.length === 0) return { results: [], total };
    const raws = await this.ctx.redis.mget(ids.map((id) => this.key(id)));
    // An index entry can outlive its record by a millisecond of expiry rounding; drop such entries.
    const gone = ids.filter((_, i) => raws[i] === null);
    if (gone.length > 0) await this.ctx.redis.zrem(this.index, ...gone);
    const results = raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as T);
    return { results, total: total - gone.length };
  }
}
