import type { Placement } from '#lib/routing';
import type { Fence } from '../fence.js';
import type {
  CommitResult,
  StoredTopology,
  TopologySnapshot,
  TopologyChange,
  TopologyStore,
} from '../ports/topology.port.js';
import { TOPOLOGY_COMMIT } from './lua/topology.lua.js';
import { execReplies, fenceOf, type RedisContext } from './redis-context.js';

const byUid = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Records embed the epoch they were written at (expected + 1), so reads need no merging. */
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
    const raw = await this.ctx.redis.hget(this.ctx.keys.placements(), indexUid);
    return raw === null ? null : (JSON.parse(raw) as Placement);
  }

  async listPlacements(): Promise<Record<string, Placement>> {
    return (await this.snapshot()).placements;
  }

  async snapshot(): Promise<TopologySnapshot> {
    const { keys } = this.ctx;
    const replies = await this.ctx.redis
      .multi()
      .get(keys.epoch())
      .get(keys.topology())
      .hgetall(keys.placements())
      .exec();
    const [epoch, topology, placements] = execReplies(replies) as [
      string | null,
      string | null,
      Record<string, string>,
    ];
    const uids = Object.keys(placements).sort(byUid);
    return {
      epoch: Number(epoch ?? 0),
      topology: topology === null ? null : (JSON.parse(topology) as StoredTopology),
      placements: Object.fromEntries(uids.map((u) => [u, JSON.parse(placements[u]!) as Placement])),
    };
  }

  async commit(
    change: TopologyChange,
    expectedEpoch: number,
    fence?: Fence,
  ): Promise<CommitResult> {
    if (!Number.isSafeInteger(expectedEpoch))
      throw new RangeError('expected epoch must be an integer');
    const epoch = expectedEpoch + 1;
    const [lease, token] = fenceOf(this.ctx, fence);
    const { keys } = this.ctx;
    const args: (string | number)[] = [
      token,
      expectedEpoch,
      change.topology ? JSON.stringify({ ...change.topology, epoch }) : '',
    ];
    for (const [uid, p] of Object.entries(change.placements ?? {})) {
      args.push(uid, p ? JSON.stringify({ ...p, epoch }) : '');
    }
    const [ok, current] = (await this.ctx.scripts.run(
      TOPOLOGY_COMMIT,
      [lease, keys.epoch(), keys.topology(), keys.placements()],
      args,
      fence,
    )) as [number, number];
    return ok === 1 ? { ok: true, epoch: current } : { ok: false, epoch: current };
  }
}
