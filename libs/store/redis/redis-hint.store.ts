import type { HintBatch, HintStore } from '../ports/hint.port.js';
import { HINT_ACK, HINT_APPEND } from './lua/hint.lua.js';
import type { RedisContext } from './redis-context.js';

export const DEFAULT_HINT_PAGE = 100;

export class RedisHintStore implements HintStore {
  constructor(private readonly ctx: RedisContext) {}

  async append(batch: Omit<HintBatch, 'seq'>): Promise<number> {
    const { keys } = this.ctx;
    const body = JSON.stringify({ ...batch, seq: undefined });
    const seq = await this.ctx.scripts.run(
      HINT_APPEND,
      [keys.hintSeq(), keys.hintQueue(batch.nodeId), keys.hintData(batch.nodeId), keys.hintNodes()],
      [batch.nodeId, body.slice(1)],
    );
    return Number(seq);
  }

  async pending(nodeId: string, limit = DEFAULT_HINT_PAGE): Promise<HintBatch[]> {
    if (!Number.isInteger(limit) || limit <= 0) return [];
    const seqs = await this.ctx.redis.zrange(
      this.ctx.keys.hintQueue(nodeId),
      '0',
      String(limit - 1),
    );
    if (seqs.length === 0) return [];
    const raws = await this.ctx.redis.hmget(this.ctx.keys.hintData(nodeId), ...seqs);
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as HintBatch);
  }

  async ack(nodeId: string, seq: number): Promise<boolean> {
    const { keys } = this.ctx;
    const n = await this.ctx.scripts.run(
      HINT_ACK,
      [keys.hintQueue(nodeId), keys.hintData(nodeId), keys.hintNodes()],
      [nodeId, seq],
    );
    return n === 1;
  }

  count(nodeId: string): Promise<number> {
    return this.ctx.redis.zcard(this.ctx.keys.hintQueue(nodeId));
  }

  async nodes(): Promise<string[]> {
    return (await this.ctx.redis.smembers(this.ctx.keys.hintNodes())).sort();
  }
}
