import type { Clock } from '../clock.js';
import type { JobRecord, JobStore, NewJob } from '../ports/job.port.js';
import { checkTtl } from '../checks.js';

const checkClaimTtl = (ttlMs: number): number => checkTtl('job claim', ttlMs);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Jobs in insertion order (a Map iterates in insertion order, like the Redis sequence index). */
export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly clock: Clock) {}

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async create(job: NewJob): Promise<boolean> {
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, {
      id: job.id,
      type: job.type,
      params: clone(job.params ?? null),
      state: 'pending',
      worker: null,
      claimUntil: null,
      progress: null,
      attempts: 0,
      error: null,
      createdAt: job.createdAt,
      updatedAt: job.createdAt,
    });
    return true;
  }

  async get(id: string): Promise<JobRecord | null> {
    const j = this.jobs.get(id);
    return j ? clone(j) : null;
  }

  async claimNext(type: string, worker: string, ttlMs: number): Promise<JobRecord | null> {
    const ttl = checkClaimTtl(ttlMs);
    const now = this.clock.now();
    for (const j of this.jobs.values()) {
      if (j.type !== type) continue;
      const lapsed = j.state === 'claimed' && j.claimUntil !== null && j.claimUntil < now;
      if (j.state !== 'pending' && !lapsed) continue;
      Object.assign(j, {
        state: 'claimed',
        worker,
        claimUntil: now + ttl,
        updatedAt: this.nowIso(),
      });
      j.attempts += 1;
      return clone(j);
    }
    return null;
  }

  private held(id: string, worker: string): JobRecord | null {
    const j = this.jobs.get(id);
    return j && j.state === 'claimed' && j.worker === worker ? j : null;
  }

  async heartbeat(id: string, worker: string, ttlMs: number): Promise<boolean> {
    const until = this.clock.now() + checkClaimTtl(ttlMs);
    const j = this.held(id, worker);
    if (!j) return false;
    Object.assign(j, { claimUntil: until, updatedAt: this.nowIso() });
    return true;
  }

  async progress(id: string, worker: string, progress: unknown): Promise<boolean> {
    const j = this.held(id, worker);
    if (!j) return false;
    Object.assign(j, { progress: clone(progress ?? null), updatedAt: this.nowIso() });
    return true;
  }

  private finish(j: JobRecord, patch: Partial<JobRecord>): void {
    Object.assign(j, patch, { worker: null, claimUntil: null, updatedAt: this.nowIso() });
  }

  async complete(id: string, worker: string, progress?: unknown): Promise<boolean> {
    const j = this.held(id, worker);
    if (!j) return false;
    this.finish(
      j,
      progress === undefined ? { state: 'done' } : { state: 'done', progress: clone(progress) },
    );
    return true;
  }

  async fail(id: string, worker: string, error: string): Promise<boolean> {
    const j = this.held(id, worker);
    if (!j) return false;
    this.finish(j, { state: 'failed', error });
    return true;
  }

  async delete(id: string): Promise<boolean> {
    return this.jobs.delete(id);
  }

  async list(type?: string): Promise<JobRecord[]> {
    return [...this.jobs.values()].filter((j) => type === undefined || j.type === type).map(clone);
  }
}
