/**
 * Passive health: a node that just timed out or was unreachable is skipped for a back-off
 * (1 s doubling to 30 s by default, reset on the next success) so reads fail over at once instead
 * of waiting for the timeout again. Pure: the clock is injected. When the back-off expires the node
 * is tried again by live traffic; another failure doubles the back-off.
 */
export interface NodeHealthOptions {
  now?: () => number;
  baseMs?: number;
  maxMs?: number;
}

interface Entry {
  failures: number;
  retryAt: number;
}

export interface NodeHealthState {
  nodeId: string;
  failures: number;
  retryAt: number;
}

export class NodeHealth {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: NodeHealthOptions = {}) {
    this.now = options.now ?? Date.now;
    this.baseMs = options.baseMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
  }

  /** For `coveringSet`'s `isHealthy` (bind it or use an arrow). */
  isHealthy(nodeId: string): boolean {
    const e = this.entries.get(nodeId);
    return e === undefined || this.now() >= e.retryAt;
  }

  recordSuccess(nodeId: string): void {
    this.entries.delete(nodeId);
  }

  recordFailure(nodeId: string): void {
    const failures = (this.entries.get(nodeId)?.failures ?? 0) + 1;
    const backoff = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(failures - 1, 30));
    this.entries.set(nodeId, { failures, retryAt: this.now() + backoff });
  }

  /** Nodes with recent failures, for the admin API and logs. */
  snapshot(): NodeHealthState[] {
    return [...this.entries].map(([nodeId, e]) => ({ nodeId, ...e }));
  }
}
