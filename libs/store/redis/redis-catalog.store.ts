import type {
  CatalogApply,
  CatalogChange,
  CatalogRecord,
  CatalogStore,
  NodeIndexState,
} from '../ports/catalog.port.js';
import { CATALOG_APPLY } from './lua/catalog.lua.js';
import type { RedisContext } from './redis-context.js';

/** The catalog as three keys: the applied position and two hashes, changed by one script. */
export class RedisCatalogStore implements CatalogStore {
  constructor(private readonly ctx: RedisContext) {}

  async seq(): Promise<number> {
    return Number((await this.ctx.redis.get(this.ctx.keys.catalogSeq())) ?? 0);
  }

  async get(uid: string): Promise<CatalogRecord | null> {
    const raw = await this.ctx.redis.hget(this.ctx.keys.catalogRecords(), uid);
    return raw === null ? null : (JSON.parse(raw) as CatalogRecord);
  }

  async list(): Promise<CatalogRecord[]> {
    const all = await this.ctx.redis.hgetall(this.ctx.keys.catalogRecords());
    return Object.keys(all)
      .sort() // index uids are ASCII: code unit order is byte order
      .map((uid) => JSON.parse(all[uid]!) as CatalogRecord);
  }

  async nodeIndex(nodeUid: string): Promise<NodeIndexState | null> {
    const raw = await this.ctx.redis.hget(this.ctx.keys.catalogNodeIndexes(), nodeUid);
    return raw === null ? null : (JSON.parse(raw) as NodeIndexState);
  }

  async apply(change: CatalogChange): Promise<CatalogApply> {
    const records = Object.entries(change.records).map(([uid, r]) => [
      uid,
      r === null ? '' : JSON.stringify(r),
    ]);
    const nodeIndexes: [string, string][] = [];
    for (const [uid, r] of Object.entries(change.records)) {
      if (r) nodeIndexes.push([r.nodeUid, JSON.stringify({ uid, deletedAtSeq: null })]);
    }
    for (const nodeUid of change.dropped) {
      nodeIndexes.push([nodeUid, JSON.stringify({ uid: null, deletedAtSeq: change.seq })]);
    }
    const k = this.ctx.keys;
    return (await this.ctx.scripts.run(
      CATALOG_APPLY,
      [k.catalogSeq(), k.catalogRecords(), k.catalogNodeIndexes()],
      [change.seq, change.prevSeq, JSON.stringify(records), JSON.stringify(nodeIndexes)],
    )) as CatalogApply;
  }
}
