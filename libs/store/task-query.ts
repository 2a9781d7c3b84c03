import type { TaskFilter, TaskPage, TaskQuery, TaskRecord } from './ports/task.port.js';

export const DEFAULT_TASK_LIMIT = 20;

/** Epoch ms of an RFC 3339 timestamp; null for a missing or unparsable one. */
export function timeOf(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function inRange(iso: string | null, after?: number, before?: number): boolean {
  if (after === undefined && before === undefined) return true;
  const t = timeOf(iso);
  if (t === null) return false;
  return (after === undefined || t > after) && (before === undefined || t < before);
}

function oneOf<T>(values: readonly T[] | undefined, value: T): boolean {
  return values === undefined || values.includes(value);
}

/** Meilisearch's GET /tasks filter semantics: AND across fields, OR within one field. */
export function matchesTask(task: TaskRecord, f: TaskFilter): boolean {
  return (
    oneOf(f.uids, task.uid) &&
    oneOf(f.statuses, task.status) &&
    oneOf(f.types, task.type) &&
    (f.indexUids === undefined ||
      (task.indexUid !== null && f.indexUids.includes(task.indexUid))) &&
    (f.canceledBy === undefined ||
      (task.canceledBy !== null && f.canceledBy.includes(task.canceledBy))) &&
    inRange(task.enqueuedAt, f.afterEnqueuedAt, f.beforeEnqueuedAt) &&
    inRange(task.startedAt, f.afterStartedAt, f.beforeStartedAt) &&
    inRange(task.finishedAt, f.afterFinishedAt, f.beforeFinishedAt)
  );
}

export function taskLimit(query: TaskQuery): number {
  const l = query.limit;
  return Number.isInteger(l) && l! >= 0 ? l! : DEFAULT_TASK_LIMIT;
}

/**
 * The page Meilisearch answers for already-filtered tasks: newest first (oldest first with
 * `reverse`), starting at uid `from`, `next` = uid of the first task after the page.
 */
export function pageTasks(matching: TaskRecord[], query: TaskQuery): TaskPage {
  const limit = taskLimit(query);
  const sorted = [...matching].sort((a, b) => (query.reverse ? a.uid - b.uid : b.uid - a.uid));
  const from = query.from;
  const window =
    from === undefined
      ? sorted
      : sorted.filter((t) => (query.reverse ? t.uid >= from : t.uid <= from));
  const results = window.slice(0, limit);
  return {
    results,
    total: matching.length,
    limit,
    from: results[0]?.uid ?? null,
    next: window[limit]?.uid ?? null,
  };
}

/** Refuses filters the store cannot evaluate (the gateway validates first; this guards the store). */
export function checkTaskQuery(q: TaskQuery): void {
  const dates = [
    q.beforeEnqueuedAt,
    q.afterEnqueuedAt,
    q.beforeStartedAt,
    q.afterStartedAt,
    q.beforeFinishedAt,
    q.afterFinishedAt,
  ];
  if (dates.some((d) => d !== undefined && !Number.isFinite(d))) {
    throw new RangeError('task date filters must be finite epoch milliseconds');
  }
  const ints = [...(q.uids ?? []), ...(q.canceledBy ?? [])];
  if (q.from !== undefined) ints.push(q.from);
  if (ints.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new RangeError('task uids must be non-negative integers');
  }
}
