import type { Fence } from '../fence.js';
import type { ScopedKeyRecord, ScopedKeyStore, ScopedKeyWrite } from '../ports/scoped-key.port.js';
import type { MemoryLeaseStore } from './memory-lease.store.js';
import type { MemoryTable } from './memory-table.js';

export class MemoryScopedKeyStore implements ScopedKeyStore {
  constructor(
    private readonly table: MemoryTable<ScopedKeyRecord>,
    private readonly leases: MemoryLeaseStore,
  ) {}

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
    this.leases.assertFence(fence);
    // No await between the read and the write below: the check-and-set is atomic.
    const cur = this.table.peek(record.indexUid);
    const generation = cur?.generation ?? null;
    if (generation !== expectedGeneration) return { ok: false, generation };
    this.table.store(record.indexUid, record);
    return { ok: true, record };
  }

  delete(indexUid: string, fence?: Fence): Promise<boolean> {
    return this.table.delete(indexUid, fence);
  }

  async list(): Promise<ScopedKeyRecord[]> {
    return (await this.table.list({ limit: Number.MAX_SAFE_INTEGER })).results;
  }
}
