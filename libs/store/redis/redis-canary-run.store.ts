import type { CanaryRun, CanaryRunStore } from '../ports/counter.port.js';
import { CANARY_RUNS_KEPT } from '../ports/counter.port.js';
import { execReplies, type RedisContext } from './redis-context.js';

/** Last runs per canary as a capped list, newest first. */
export class RedisCanaryRunStore implements CanaryRunStore {
  constructor(private readonly ctx: RedisContext) {}

  async record(run: CanaryRun): Promise<void> {
    const key = this.ctx.keys.canaryRuns(run.canaryId);
    execReplies(
      await this.ctx.redis
        .multi()
        .lpush(key, JSON.stringify(run))
        .ltrim(key, 0, CANARY_RUNS_KEPT - 1)
        .sadd(this.ctx.keys.canaryRunsIndex(), run.canaryId)
        .exec(),
    );
  }

  async recent(canaryId: string, limit = CANARY_RUNS_KEPT): Promise<CanaryRun[]> {
    if (!Number.isInteger(limit) || limit <= 0) return [];
    const raws = await this.ctx.redis.lrange(this.ctx.keys.canaryRuns(canaryId), 0, limit - 1);
    return raws.map((r) => JSON.parse(r) as CanaryRun);
  }

  async clear(canaryId: string): Promise<void> {
    execReplies(
      await this.ctx.redis
        .multi()
        .del(this.ctx.keys.canaryRuns(canaryId))
        .srem(this.ctx.keys.canaryRunsIndex(), canaryId)
        .exec(),
    );
  }
}
