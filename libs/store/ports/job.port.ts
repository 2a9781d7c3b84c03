export type JobState = 'pending' | 'claimed' | 'done' | 'failed';

/** A long job (dump import, reshard backfill…) with a claim that lapses unless heartbeated. */
export interface JobRecord {
  id: string;
  type: string;
  params: unknown;
  state: JobState;
  /** Worker holding the claim, while `claimed`. */
  worker: string | null;
  /** Epoch ms when the claim lapses; another worker may then claim it. */
  claimUntil: number | null;
  progress: unknown;
  attempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewJob {
  id: string;
  type: string;
  params: unknown;
  createdAt: string;
}

export interface JobStore {
  /** False when the id is taken. */
  create(job: NewJob): Promise<boolean>;
  get(id: string): Promise<JobRecord | null>;
  /**
   * Claims the oldest job of `type` that is pending or whose claim lapsed; attempts + 1.
   * Null when none is available.
   */
  claimNext(type: string, worker: string, ttlMs: number): Promise<JobRecord | null>;
  /** Extends the claim; false when the worker no longer holds it. */
  heartbeat(id: string, worker: string, ttlMs: number): Promise<boolean>;
  /** Stores progress (and extends nothing); false when the worker no longer holds the claim. */
  progress(id: string, worker: string, progress: unknown): Promise<boolean>;
  /** Terminal states; false when the worker no longer holds the claim. */
  complete(id: string, worker: string, progress?: unknown): Promise<boolean>;
  fail(id: string, worker: string, error: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Oldest first, optionally one type only. */
  list(type?: string): Promise<JobRecord[]>;
}
