import type { Clock } from '../clock.js';
import type {
  CanaryRun,
  CanaryRunStore,
  RateLimitHit,
  RateLimitStore,
  RevocationBus,
} from '../ports/counter.port.js';
import { CANARY_RUNS_KEPT } from '../ports/counter.port.js';

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

export class MemoryCanaryRunStore implements CanaryRunStore {
  private readonly runs = new Map<string, string[]>();

  async record(run: CanaryRun): Promise<void> {
    const list = this.runs.get(run.canaryId) ?? [];
    list.unshift(JSON.stringify(run));
    list.length = Math.min(list.length, CANARY_RUNS_KEPT);
    this.runs.set(run.canaryId, list);
  }

  async recent(canaryId: string, limit = CANARY_RUNS_KEPT): Promise<CanaryRun[]> {
    if (!Number.isInteger(limit) || limit <= 0) return [];
    return (this.runs.get(canaryId) ?? []).slice(0, limit).map((r) => JSON.parse(r) as CanaryRun);
  }

  async clear(canaryId: string): Promise<void> {
    this.runs.delete(canaryId);
  }
}

/** Delivers asynchronously, like Redis pub/sub: a publisher never runs subscribers inline. */
export class MemoryRevocationBus implements RevocationBus {
  private readonly handlers = new Set<(id: string) => void>();

  async publish(sessionId: string): Promise<void> {
    const targets = [...this.handlers];
    setImmediate(() => targets.forEach((h) => h(sessionId)));
  }

  async subscribe(onRevoked: (sessionId: string) => void): Promise<() => Promise<void>> {
    this.handlers.add(onRevoked);
    return async () => {
      this.handlers.delete(onRevoked);
    };
  }

  close(): void {
    this.handlers.clear();
  }
}
