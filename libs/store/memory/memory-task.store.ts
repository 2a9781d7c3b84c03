import type { TaskFilter, TaskPage, TaskQuery, TaskRecord, TaskStore } from '../ports/task.port.js';
import { checkUid } from '../checks.js';
import { checkTaskQuery, matchesTask, pageTasks } from '../task-query.js';

/** Tasks in a map, filtered by scanning: the reference semantics the Redis adapter must match. */
export class MemoryTaskStore implements TaskStore {
  private settled = 0;
  private readonly tasks = new Map<number, string>();

  async settledThrough(): Promise<number> {
    return this.settled;
  }

  async setSettledThrough(seq: number): Promise<void> {
    this.settled = Math.max(this.settled, seq);
  }

  async create(task: TaskRecord): Promise<boolean> {
    checkUid(task.uid);
    if (this.tasks.has(task.uid)) return false;
    this.tasks.set(task.uid, JSON.stringify(task));
    return true;
  }

  async get(uid: number): Promise<TaskRecord | null> {
    const raw = this.tasks.get(uid);
    return raw === undefined ? null : (JSON.parse(raw) as TaskRecord);
  }

  async update(
    uid: number,
    mutate: (current: TaskRecord) => TaskRecord,
  ): Promise<TaskRecord | null> {
    const raw = this.tasks.get(uid);
    if (raw === undefined) return null;
    const next = { ...mutate(JSON.parse(raw) as TaskRecord), uid };
    this.tasks.set(uid, JSON.stringify(next));
    return next;
  }

  private matching(filter: TaskFilter): TaskRecord[] {
    return [...this.tasks.values()]
      .map((r) => JSON.parse(r) as TaskRecord)
      .filter((t) => matchesTask(t, filter));
  }

  async list(query: TaskQuery = {}): Promise<TaskPage> {
    checkTaskQuery(query);
    return pageTasks(this.matching(query), query);
  }

  async deleteWhere(filter: TaskFilter): Promise<number> {
    checkTaskQuery(filter);
    const doomed = this.matching(filter);
    for (const t of doomed) this.tasks.delete(t.uid);
    return doomed.length;
  }

  async prune(cutoffMs: number): Promise<number> {
    if (!Number.isFinite(cutoffMs)) throw new RangeError('prune cutoff must be epoch milliseconds');
    return this.deleteWhere({ beforeFinishedAt: cutoffMs });
  }
}
