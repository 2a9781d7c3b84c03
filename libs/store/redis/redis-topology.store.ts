import type { Placement } from '#lib/routing';
import type { Fence } from '../fence.js';
import type {
  CommitResult,
  StoredTopology,
  TopologyChange,
  TopologyStore,
} from '../ports/topology.port.js';
import { TOPOLOGY_COMMIT } from './lua/topology.lua.js';
import { fenceOf, type RedisContext } from './redis-table.js';

/** Records embed the epoch they were written at (expected + 1), so reads are single GETs. */
export class RedisTopologyStore implements TopologyStore {
  constructor(private readonly ctx: RedisContext) {}

  async epoch(): Promise<number> {
    return Number((await this.ctx.redis.get(this.ctx.keys.epoch())) ?? 0);
  }

  async getTopology(): Promise<StoredTopology | null> {
    const raw = await this.ctx.redis.get(this.ctx.keys.topology());
    return raw === null ? null : (JSON.parse(raw) as StoredTopology);
  }

  async getPlacement(indexUid: string): Promise<Placement | null> {
    const raw = await this.ctx.redis.get(this.ctx.keys.placement(indexUid));
    return raw === null ? null : (JSON.parse(raw) as Placement);
  }

  async listPlacements(): Promise<Record<string, Placement>> {
    const uids = await this.ctx.redis.zrange(this.ctx.keys.placementIndex(), '0', '-1');
    if (uids.length === 0) return {};
    const raws = await this.ctx.redis.mget(uids.map((u) => this.ctx.keys.placement(u)));
    const out: Record<string, Placement> = {};
    uids.forEach((uid, i) => {
      const raw = raws[i];
      if (raw) out[uid] = JSON.parse(raw) as Placement;
    });
    return out;
  }

  async commit(
    change: TopologyChange,
    expectedEpoch: number,
    fence?: Fence,
  ): Promise<CommitResult> {
    const epoch = expectedEpoch + 1;
    const [lease, token] = fenceOf(this.ctx, fence);
    const placements = Object.entries(change.placements ?? {});
    const keys = [
      lease,
      this.ctx.keys.epoch(),
      this.ctx.keys.topology(),
      this.ctx.keys.placementIndex(),
      ...placements.map(([uid]) => this.ctx.keys.placement(uid)),
    ];
    const args: (string | number)[] = [
      token,
      expectedEpoch,
      change.topology ? JSON.stringify({ ...change.topology, epoch }) : '',
    ];
    for (const [uid, p] of placements) args.push(uid, p ? JSON.stringify({ ...p, epoch }) : '');
    const [ok, current] = (await this.ctx.scripts.run(TOPOLOGY_COMMIT, keys, args, fence)) as [
      number,
      number,
    ];
    return ok === 1 ? { ok: true, epoch: current } : { ok: false, epoch: current };
  }
}
