import type { Placement } from '#lib/routing';
import type { Fence } from '../fence.js';
import type {
  CommitResult,
  StoredTopology,
  TopologyChange,
  TopologySnapshot,
  TopologyStore,
} from '../ports/topology.port.js';
import type { MemoryLeaseStore } from './memory-lease.store.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class MemoryTopologyStore implements TopologyStore {
  private current = 0;
  private topology: StoredTopology | null = null;
  private readonly placements = new Map<string, Placement>();

  constructor(private readonly leases: MemoryLeaseStore) {}

  async epoch(): Promise<number> {
    return this.current;
  }

  async getTopology(): Promise<StoredTopology | null> {
    return this.topology && clone(this.topology);
  }

  async getPlacement(indexUid: string): Promise<Placement | null> {
    const p = this.placements.get(indexUid);
    return p ? clone(p) : null;
  }

  async listPlacements(): Promise<Record<string, Placement>> {
    const uids = [...this.placements.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(uids.map((u) => [u, clone(this.placements.get(u)!)]));
  }

  async snapshot(): Promise<TopologySnapshot> {
    return {
      epoch: this.current,
      topology: await this.getTopology(),
      placements: await this.listPlacements(),
    };
  }

  async commit(
    change: TopologyChange,
    expectedEpoch: number,
    fence?: Fence,
  ): Promise<CommitResult> {
    if (!Number.isSafeInteger(expectedEpoch))
      throw new RangeError('expected epoch must be an integer');
    this.leases.assertFence(fence);
    if (expectedEpoch !== this.current) return { ok: false, epoch: this.current };
    const epoch = ++this.current;
    if (change.topology) this.topology = clone({ ...change.topology, epoch });
    for (const [uid, p] of Object.entries(change.placements ?? {})) {
      if (p === null) this.placements.delete(uid);
      else this.placements.set(uid, clone({ ...p, epoch }));
    }
    return { ok: true, epoch };
  }
}
