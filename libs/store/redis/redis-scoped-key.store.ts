import type { Fence } from '../fence.js';
import type { ScopedKeyRecord, ScopedKeyStore, ScopedKeyWrite } from '../ports/scoped-key.port.js';
import type { TableSpec } from '../ports/table.port.js';
import { TABLES } from '../tables.js';
import { SCOPED_KEY_PUT } from './lua/scoped-key.lua.js';
import { fenceOf, type RedisContext } from './redis-context.js';
import { RedisTable } from './redis-table.js';

export class RedisScopedKeyStore implements ScopedKeyStore {
  private readonly table: RedisTable<ScopedKeyRecord>;

  constructor(
    private readonly ctx: RedisContext,
    private readonly spec: TableSpec = TABLES.scopedKeys,
  ) {
    this.table = new RedisTable(ctx, spec);
  }

  get(indexUid: string): Promise<ScopedKeyRecord | null> {
    return this.table.get(indexUid);
  }

  async put(
    record: ScopedKeyRecord,
    expectedGeneration: number | null,
    fence?: Fence,
  ): Promise<ScopedKeyWrite> {
    if (!Number.isSafeInteger(record.generation))
      throw new RangeError('generation must be an integer');
    const { keys } = this.ctx;
    const [lease, token] = fenceOf(this.ctx, fence);
    const out = (await this.ctx.scripts.run(
      SCOPED_KEY_PUT,
      [lease, keys.record(this.spec.name, record.indexUid), keys.tableIndex(this.spec.name)],
      [
        token,
        expectedGeneration === null ? '' : String(expectedGeneration),
        JSON.stringify(record),
        record.indexUid,
      ],
      fence,
    )) as [number, string?];
    if (out[0] === 1) return { ok: true, record };
    return { ok: false, generation: out[1] ? Number(out[1]) : null };
  }

  delete(indexUid: string, fence?: Fence): Promise<boolean> {
    return this.table.delete(indexUid, fence);
  }

  async list(): Promise<ScopedKeyRecord[]> {
    return (await this.table.list({ limit: Number.MAX_SAFE_INTEGER })).results;
  }
}
