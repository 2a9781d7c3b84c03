/** GET /tasks, POST /tasks/cancel and DELETE /tasks over the node's tasks (emulator.md §2.3). */
import {
  parseTaskFilter as parseFilterParams,
  parseTaskQuery,
  requireTaskFilter,
  type Query,
  type TaskFilterParams,
} from '#lib/meili-api';
import type { Task } from './task.js';

export type TaskFilter = TaskFilterParams;

/** Parses the filter parameters; `paging` allows limit/from/reverse (GET /tasks only). */
export function parseTaskFilter(query: Query, paging: boolean): TaskFilter {
  return parseFilterParams(query, paging);
}

/** Cancel and delete refuse to run without at least one filter parameter. */
export function requireSomeFilter(query: Query, action: 'cancel' | 'delete' = 'delete'): void {
  requireTaskFilter(query, action);
}

const DATES = [
  ['beforeEnqueuedAt', 'enqueuedAt', 'before'],
  ['afterEnqueuedAt', 'enqueuedAt', 'after'],
  ['beforeStartedAt', 'startedAt', 'before'],
  ['afterStartedAt', 'startedAt', 'after'],
  ['beforeFinishedAt', 'finishedAt', 'before'],
  ['afterFinishedAt', 'finishedAt', 'after'],
] as const;

export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  const has = <T>(list: T[] | undefined, value: T | null) =>
    list === undefined || (value !== null && list.includes(value));
  if (!has(filter.uids, task.uid)) return false;
  if (!has(filter.batchUids, task.batchUid)) return false;
  if (!has(filter.canceledBy, task.canceledBy)) return false;
  if (!has(filter.types, task.type)) return false;
  if (!has(filter.statuses, task.status)) return false;
  if (!has(filter.indexUids, task.indexUid)) return false;
  for (const [param, field, side] of DATES) {
    const ms = filter[param];
    if (ms === undefined) continue;
    const value = task[field];
    if (value === null) return false;
    const at = Date.parse(value);
    if (side === 'before' ? !(at < ms) : !(at > ms)) return false;
  }
  return true;
}

export interface TaskPage {
  results: Task[];
  total: number;
  limit: number;
  from: number | null;
  next: number | null;
}

/** Newest first (or oldest first with reverse=true), `from` inclusive, `next` = the following page's from. */
export function pageTasks(tasks: Iterable<Task>, query: Query, filter: TaskFilter): TaskPage {
  const { limit, from, reverse } = parseTaskQuery(query);
  const matched = [...tasks].filter((t) => matchesFilter(t, filter));
  matched.sort((a, b) => (reverse ? a.uid - b.uid : b.uid - a.uid));
  const start =
    from === undefined ? matched : matched.filter((t) => (reverse ? t.uid >= from : t.uid <= from));
  const results = start.slice(0, limit);
  const following = start[limit];
  return {
    results,
    total: matched.length,
    limit,
    from: results[0]?.uid ?? null,
    next: following?.uid ?? null,
  };
}
