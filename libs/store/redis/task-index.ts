import type { TaskFilter, TaskRecord } from '../ports/task.port.js';
import { timeOf } from '../task-query.js';
import type { RedisKeys, TaskTimeField } from './keys.js';

/** [index key, score] pairs a task belongs to; uid-ordered sets score by uid, time sets by ms. */
export type IndexEntry = [key: string, score: number];

const TIME_FIELDS: TaskTimeField[] = ['enqueuedAt', 'startedAt', 'finishedAt'];

export function taskIndexEntries(keys: RedisKeys, t: TaskRecord): IndexEntry[] {
  const entries: IndexEntry[] = [
    [keys.tasksAll(), t.uid],
    [keys.tasksBy('status', t.status), t.uid],
    [keys.tasksBy('type', t.type), t.uid],
  ];
  if (t.indexUid !== null) entries.push([keys.tasksBy('index', t.indexUid), t.uid]);
  if (t.canceledBy !== null)
    entries.push([keys.tasksBy('canceledBy', String(t.canceledBy)), t.uid]);
  for (const field of TIME_FIELDS) {
    const ms = timeOf(t[field]);
    if (ms !== null) entries.push([keys.tasksAt(field), ms]);
  }
  return entries;
}

/** What a write must change: index sets to leave and entries to add (unchanged ones are skipped). */
export function indexMoves(
  before: IndexEntry[],
  after: IndexEntry[],
): { remove: string[]; add: IndexEntry[] } {
  const afterScore = new Map(after);
  const beforeScore = new Map(before);
  return {
    remove: before.filter(([k]) => !afterScore.has(k)).map(([k]) => k),
    add: after.filter(([k, s]) => beforeScore.get(k) !== s),
  };
}

export interface ListPlan {
  keys: string[];
  plan: {
    groups: number[][];
    uids: string[] | null;
    ranges: [number, string, string][];
    scratch: number;
    from: string | null;
    limit: number;
    reverse: boolean;
  };
}

/** Translates a filter into the KEYS and plan of TASK_LIST. */
export function listPlan(
  keys: RedisKeys,
  f: TaskFilter,
  page: { from: number | null; limit: number; reverse: boolean },
  scratchToken: string,
): ListPlan {
  const all = [keys.tasksAll()];
  const pos = (key: string): number => all.push(key);
  const groups: number[][] = [];
  const group = (values: readonly string[] | undefined, key: (v: string) => string): void => {
    if (values !== undefined) groups.push(values.map((v) => pos(key(v))));
  };
  group(f.statuses, (v) => keys.tasksBy('status', v));
  group(f.types, (v) => keys.tasksBy('type', v));
  group(f.indexUids, (v) => keys.tasksBy('index', v));
  group(f.canceledBy?.map(String), (v) => keys.tasksBy('canceledBy', v));
  // An empty value list matches nothing: an empty group intersects as an empty set.
  const emptyGroup = groups.some((g) => g.length === 0);
  const ranges: [number, string, string][] = [];
  const range = (field: TaskTimeField, after?: number, before?: number): void => {
    if (after === undefined && before === undefined) return;
    const min = after === undefined ? '-inf' : `(${after}`;
    const max = before === undefined ? '+inf' : `(${before}`;
    ranges.push([pos(keys.tasksAt(field)), min, max]);
  };
  range('enqueuedAt', f.afterEnqueuedAt, f.beforeEnqueuedAt);
  range('startedAt', f.afterStartedAt, f.beforeStartedAt);
  range('finishedAt', f.afterFinishedAt, f.beforeFinishedAt);
  const uids = emptyGroup ? [] : (f.uids?.map(String) ?? null);
  const scratch = all.length + 1;
  const scratchCount = groups.length + ranges.length + 2;
  for (let i = 0; i < scratchCount; i++) all.push(keys.scratch(scratchToken, i));
  return {
    keys: all,
    plan: {
      groups: groups.filter((g) => g.length > 0),
      uids,
      ranges,
      scratch,
      from: page.from === null ? null : String(page.from),
      limit: page.limit,
      reverse: page.reverse,
    },
  };
}
