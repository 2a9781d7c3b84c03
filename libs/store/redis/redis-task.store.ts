import { randomBytes } from 'node:crypto';
import type { TaskFilter, TaskPage, TaskQuery, TaskRecord, TaskStore } from '../ports/task.port.js';
import { checkUid } from '../checks.js';
import { checkTaskQuery, taskLimit } from '../task-query.js';
import { SETTLED_THROUGH, TASK_LIST, TASK_WRITE } from './lua/task.lua.js';
import { MAX_CAS_ATTEMPTS, type RedisContext } from './redis-context.js';
import { indexMoves, listPlan, taskIndexEntries, type IndexEntry } from './task-index.js';

const DELETE_CHUNK = 500;

export class RedisTaskStore implements TaskStore {
  constructor(private readonly ctx: RedisContext) {}

  async settledThrough(): Promise<number> {
    return Number((await this.ctx.redis.get(this.ctx.keys.taskSeq())) ?? 0);
  }

  async setSettledThrough(seq: number): Promise<void> {
    await this.ctx.scripts.run(SETTLED_THROUGH, [this.ctx.keys.taskSeq()], [seq]);
  }

  private async write(
    mode: 'create' | 'replace' | 'delete',
    uid: number,
    before: { raw: string; entries: IndexEntry[] } | null,
    after: TaskRecord | null,
  ): Promise<boolean> {
    const moves = indexMoves(
      before?.entries ?? [],
      after ? taskIndexEntries(this.ctx.keys, after) : [],
    );
    const keys = [this.ctx.keys.task(uid), ...moves.remove, ...moves.add.map(([k]) => k)];
    const args = [
      mode,
      before?.raw ?? '',
      after ? JSON.stringify(after) : '',
      uid,
      moves.remove.length,
    ];
    const ok = await this.ctx.scripts.run(TASK_WRITE, keys, [
      ...args,
      ...moves.add.map(([, s]) => s),
    ]);
    return ok === 1;
  }

  private async read(uid: number): Promise<{ raw: string; task: TaskRecord } | null> {
    const raw = await this.ctx.redis.get(this.ctx.keys.task(uid));
    return raw === null ? null : { raw, task: JSON.parse(raw) as TaskRecord };
  }

  async create(task: TaskRecord): Promise<boolean> {
    return this.write('create', checkUid(task.uid), null, task);
  }

  async get(uid: number): Promise<TaskRecord | null> {
    return (await this.read(uid))?.task ?? null;
  }

  async update(
    uid: number,
    mutate: (current: TaskRecord) => TaskRecord,
  ): Promise<TaskRecord | null> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const cur = await this.read(uid);
      if (cur === null) return null;
      const next = { ...mutate(cur.task), uid };
      const before = { raw: cur.raw, entries: taskIndexEntries(this.ctx.keys, cur.task) };
      if (await this.write('replace', uid, before, next)) return next;
    }
    throw new Error(`update of task ${uid} lost ${MAX_CAS_ATTEMPTS} races in a row`);
  }

  private async query(
    filter: TaskFilter,
    page: { from: number | null; limit: number; reverse: boolean },
  ): Promise<{ total: number; rows: [number, string][] }> {
    const { keys, plan } = listPlan(this.ctx.keys, filter, page, randomBytes(6).toString('hex'));
    const out = (await this.ctx.scripts.run(TASK_LIST, keys, [
      JSON.stringify(plan),
      this.ctx.keys.taskPrefix(),
    ])) as (number | string)[];
    const rows: [number, string][] = [];
    for (let i = 1; i < out.length; i += 2) rows.push([Number(out[i]), String(out[i + 1])]);
    return { total: Number(out[0]), rows };
  }

  async list(query: TaskQuery = {}): Promise<TaskPage> {
    checkTaskQuery(query);
    const limit = taskLimit(query);
    const { total, rows } = await this.query(query, {
      from: query.from ?? null,
      limit,
      reverse: query.reverse === true,
    });
    const results = rows.slice(0, limit).map(([, raw]) => JSON.parse(raw) as TaskRecord);
    return {
      results,
      total,
      limit,
      from: results[0]?.uid ?? null,
      next: rows[limit]?.[0] ?? null,
    };
  }

  /** Deletes one record, re-reading it whenever it changed under us. */
  private async deleteOne(uid: number): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const cur = await this.read(uid);
      if (cur === null) return false;
      const before = { raw: cur.raw, entries: taskIndexEntries(this.ctx.keys, cur.task) };
      if (await this.write('delete', uid, before, null)) return true;
    }
    throw new Error(`delete of task ${uid} lost ${MAX_CAS_ATTEMPTS} races in a row`);
  }

  /** One MGET, then the guarded deletes in flight together; a record that changed is retried alone. */
  private async deleteUids(uids: number[]): Promise<number> {
    const raws = await this.ctx.redis.mget(uids.map((u) => this.ctx.keys.task(u)));
    const done = await Promise.all(
      uids.map(async (uid, i) => {
        const raw = raws[i];
        if (raw === null || raw === undefined) return false;
        const before = {
          raw,
          entries: taskIndexEntries(this.ctx.keys, JSON.parse(raw) as TaskRecord),
        };
        return (await this.write('delete', uid, before, null)) || this.deleteOne(uid);
      }),
    );
    return done.filter(Boolean).length;
  }

  async deleteWhere(filter: TaskFilter): Promise<number> {
    checkTaskQuery(filter);
    let deleted = 0;
    for (;;) {
      const { rows } = await this.query(filter, {
        from: null,
        limit: DELETE_CHUNK - 1,
        reverse: true,
      });
      if (rows.length === 0) return deleted;
      const n = await this.deleteUids(rows.map(([uid]) => uid));
      if (n === 0) return deleted;
      deleted += n;
    }
  }

  async prune(cutoffMs: number): Promise<number> {
    if (!Number.isFinite(cutoffMs)) throw new RangeError('prune cutoff must be epoch milliseconds');
    return this.deleteWhere({ beforeFinishedAt: cutoffMs });
  }
}
