import type { Clock } from '../clock.js';
import type { RateLimitHit, RateLimitStore } from '../ports/counter.port.js';

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: Clock) {}

  async hit(bucket: string, windowMs: number, cost = 1): Promise<RateLimitHit> {
    if (!Number.isInteger(windowMs) || windowMs <= 0)
      throw new RangeError('rate-limit window must be a positive integer');
    const start = Math.floor(this.clock.now() / windowMs) * windowMs;
    const key = `${bucket}\u0000${windowMs}`;
    const w = this.windows.get(key);
    const current = w && w.start === start ? w : { start, count: 0 };
    current.count += cost;
    this.windows.set(key, current);
    return { count: current.count, resetAt: start + windowMs };
  }
}
