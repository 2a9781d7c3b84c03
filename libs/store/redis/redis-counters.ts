import type { Redis } from 'ioredis';
import type {
  CanaryRun,
  CanaryRunStore,
  RateLimitHit,
  RateLimitStore,
  RevocationBus,
} from '../ports/counter.port.js';
import { CANARY_RUNS_KEPT } from '../ports/counter.port.js';
import type { RedisContext } from './redis-table.js';

function exec<T>(replies: [Error | null, unknown][] | null): T[] {
  return (replies ?? []).map(([err, v]) => {
    if (err) throw err;
    return v as T;
  });
}

/** Fixed windows: one counter per (bucket, window start), expiring when the window ends. */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly ctx: RedisContext) {}

  async hit(bucket: string, windowMs: number, cost = 1): Promise<RateLimitHit> {
    if (!Number.isInteger(windowMs) || windowMs <= 0)
      throw new RangeError('rate-limit window must be a positive integer');
    const start = Math.floor(this.ctx.clock.now() / windowMs) * windowMs;
    const key = this.ctx.keys.rateLimit(bucket, start);
    const [count] = exec<number>(
      await this.ctx.redis
        .multi()
        .incrby(key, cost)
        .pexpireat(key, start + windowMs)
        .exec(),
    );
    return { count: Number(count), resetAt: start + windowMs };
  }
}

/** Last runs per canary as a capped list, newest first. */
export class RedisCanaryRunStore implements CanaryRunStore {
  constructor(private readonly ctx: RedisContext) {}

  async record(run: CanaryRun): Promise<void> {
    const key = this.ctx.keys.canaryRuns(run.canaryId);
    exec(
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
    exec(
      await this.ctx.redis
        .multi()
        .del(this.ctx.keys.canaryRuns(canaryId))
        .srem(this.ctx.keys.canaryRunsIndex(), canaryId)
        .exec(),
    );
  }
}

/** Pub/sub on a dedicated subscriber connection (a subscribed ioredis client can run nothing else). */
export class RedisRevocationBus implements RevocationBus {
  private subscriber: Promise<Redis> | null = null;
  private readonly handlers = new Set<(id: string) => void>();

  constructor(private readonly ctx: RedisContext) {}

  async publish(sessionId: string): Promise<void> {
    await this.ctx.redis.publish(this.ctx.keys.adminRevocations(), sessionId);
  }

  private async connect(): Promise<Redis> {
    const channel = this.ctx.keys.adminRevocations();
    const sub = this.ctx.redis.duplicate();
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) for (const h of this.handlers) h(message);
    });
    await sub.subscribe(channel);
    return sub;
  }

  async subscribe(onRevoked: (sessionId: string) => void): Promise<() => Promise<void>> {
    // A failed connection is forgotten, so the next subscribe tries again.
    this.subscriber ??= this.connect().catch((err: unknown) => {
      this.subscriber = null;
      throw err;
    });
    await this.subscriber;
    this.handlers.add(onRevoked);
    return async () => {
      this.handlers.delete(onRevoked);
    };
  }

  async close(): Promise<void> {
    const pending = this.subscriber;
    this.subscriber = null;
    this.handlers.clear();
    if (pending) {
      const sub = await pending.catch(() => null);
      if (sub) await sub.quit().catch(() => sub.disconnect());
    }
  }
}
