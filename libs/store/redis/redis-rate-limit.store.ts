import type { RateLimitHit, RateLimitStore } from '../ports/counter.port.js';
import { execReplies, type RedisContext } from './redis-context.js';

/** Fixed windows: one counter per (bucket, window start), expiring when the window ends. */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly ctx: RedisContext) {}

  async hit(bucket: string, windowMs: number, cost = 1): Promise<RateLimitHit> {
    if (!Number.isInteger(windowMs) || windowMs <= 0)
      throw new RangeError('rate-limit window must be a positive integer');
    const start = Math.floor(this.ctx.clock.now() / windowMs) * windowMs;
    const key = this.ctx.keys.rateLimit(bucket, start);
    const [count] = execReplies<number>(
      await this.ctx.redis
        .multi()
        .incrby(key, cost)
        .pexpireat(key, start + windowMs)
        .exec(),
    );
    return { count: Number(count), resetAt: start + windowMs };
  }
}
