import { checkTtl } from '../checks.js';
import type { JobRecord, JobState, JobStore, NewJob } from '../ports/job.port.js';
import { JOB_CLAIM_NEXT, JOB_CREATE, JOB_DELETE, JOB_UPDATE } from './lua/job.lua.js';
import { execReplies, type RedisContext } from './redis-context.js';

function fromHash(f: Record<string, string>): JobRecord {
  return {
    id: f.id!,
    type: f.type!,
    params: JSON.parse(f.params!) as unknown,
    state: f.state as JobState,
    worker: f.worker ? f.worker : null,
    claimUntil: f.claimUntil ? Number(f.claimUntil) : null,
    progress: JSON.parse(f.progress!) as unknown,
    attempts: Number(f.attempts),
    error: f.error ? f.error : null,
    createdAt: f.createdAt!,
    updatedAt: f.updatedAt!,
  };
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

const checkClaimTtl = (ttlMs: number): number => checkTtl('job claim', ttlMs);

/** Jobs as hashes with a creation-ordered index (see lua/job.lua.ts). */
export class RedisJobStore implements JobStore {
  constructor(private readonly ctx: RedisContext) {}

  async create(job: NewJob): Promise<boolean> {
    const { keys } = this.ctx;
    const ok = await this.ctx.scripts.run(
      JOB_CREATE,
      [keys.job(job.id), keys.jobsAll(), keys.jobsOfType(job.type), keys.jobTypes(), keys.jobSeq()],
      [
        job.id,
        job.type,
        JSON.stringify(job.params ?? null),
        job.createdAt,
        '',
        keys.jobMember(job.id),
      ],
    );
    return ok === 1;
  }

  async get(id: string): Promise<JobRecord | null> {
    const f = await this.ctx.redis.hgetall(this.ctx.keys.job(id));
    return Object.keys(f).length === 0 ? null : fromHash(f);
  }

  async claimNext(type: string, worker: string, ttlMs: number): Promise<JobRecord | null> {
    const now = this.ctx.clock.now();
    const out = await this.ctx.scripts.run(
      JOB_CLAIM_NEXT,
      [this.ctx.keys.jobsOfType(type)],
      [worker, checkClaimTtl(ttlMs), now, new Date(now).toISOString(), this.ctx.keys.jobPrefix()],
    );
    return out === null ? null : fromHash(pairs(out as string[]));
  }

  private async update(id: string, worker: string, op: string, value: string): Promise<boolean> {
    const { keys } = this.ctx;
    const type = await this.ctx.redis.hget(keys.job(id), 'type');
    if (type === null) return false;
    const now = new Date(this.ctx.clock.now()).toISOString();
    const ok = await this.ctx.scripts.run(
      JOB_UPDATE,
      [keys.job(id), keys.jobsOfType(type)],
      [keys.jobMember(id), worker, op, value, now],
    );
    return ok === 1;
  }

  async heartbeat(id: string, worker: string, ttlMs: number): Promise<boolean> {
    const until = this.ctx.clock.now() + checkClaimTtl(ttlMs);
    return this.update(id, worker, 'heartbeat', String(until));
  }

  progress(id: string, worker: string, progress: unknown): Promise<boolean> {
    return this.update(id, worker, 'progress', JSON.stringify(progress ?? null));
  }

  complete(id: string, worker: string, progress?: unknown): Promise<boolean> {
    return this.update(
      id,
      worker,
      'complete',
      progress === undefined ? '' : JSON.stringify(progress),
    );
  }

  fail(id: string, worker: string, error: string): Promise<boolean> {
    return this.update(id, worker, 'fail', error);
  }

  async delete(id: string): Promise<boolean> {
    const { keys } = this.ctx;
    const type = await this.ctx.redis.hget(keys.job(id), 'type');
    if (type === null) return false;
    const n = await this.ctx.scripts.run(
      JOB_DELETE,
      [keys.job(id), keys.jobsAll(), keys.jobsOfType(type)],
      [keys.jobMember(id)],
    );
    return n === 1;
  }

  async list(type?: string): Promise<JobRecord[]> {
    const members = await this.ctx.redis.zrange(this.ctx.keys.jobsAll(), '0', '-1');
    const pipe = this.ctx.redis.pipeline();
    for (const m of members) pipe.hgetall(this.ctx.keys.jobPrefix() + m);
    return execReplies<Record<string, string>>(await pipe.exec())
      .filter((f) => Object.keys(f).length > 0)
      .map(fromHash)
      .filter((j) => type === undefined || j.type === type);
  }
}
