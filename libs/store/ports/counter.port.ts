export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/** Fixed-window rate-limit counters; each window's counter expires with the window. */
export interface RateLimitStore {
  hit(bucket: string, windowMs: number, cost?: number): Promise<RateLimitHit>;
}

export interface CanaryRun {
  canaryId: string;
  at: string;
  ok: boolean;
  latencyMs: number;
  failures: string[];
}

export const CANARY_RUNS_KEPT = 100;

/** Last 100 runs per canary (feature table 9), newest first. */
export interface CanaryRunStore {
  record(run: CanaryRun): Promise<void>;
  recent(canaryId: string, limit?: number): Promise<CanaryRun[]>;
  clear(canaryId: string): Promise<void>;
}
