import { TASK_STATUSES, type TaskStatus } from '#lib/contracts';

export { TASK_STATUSES, type TaskStatus };

import type { TaskError } from '#lib/contracts';

export type { TaskError };

/** How one node's copy went for a Miroir task, once settled. */
export interface NodeTaskOutcome {
  /** The node's own task that carried the part (shared by coalesced parts); null if none. */
  taskUid: number | null;
  status: TaskStatus;
  error: TaskError | null;
}

/** One Miroir task: Meilisearch's task object plus the node tasks it aggregates. */
export interface TaskRecord {
  uid: number;
  indexUid: string | null;
  type: string;
  status: TaskStatus;
  details: Record<string, unknown> | null;
  error: TaskError | null;
  canceledBy: number | null;
  /** RFC 3339 timestamps, as Meilisearch prints them. */
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** ISO 8601 duration, e.g. `PT0.012S`. */
  duration: string | null;
  /** node id → node task, filled when the task settles. */
  nodeTasks: Record<string, NodeTaskOutcome>;
}

/** Meilisearch's GET /tasks filters (dates as epoch ms; before/after are exclusive). */
export interface TaskFilter {
  uids?: number[];
  statuses?: TaskStatus[];
  types?: string[];
  indexUids?: string[];
  canceledBy?: number[];
  beforeEnqueuedAt?: number;
  afterEnqueuedAt?: number;
  beforeStartedAt?: number;
  afterStartedAt?: number;
  beforeFinishedAt?: number;
  afterFinishedAt?: number;
}

export interface TaskQuery extends TaskFilter {
  limit?: number;
  /** Uid of the first task to return. */
  from?: number;
  /** Oldest first instead of newest first. */
  reverse?: boolean;
}

export interface TaskPage {
  results: TaskRecord[];
  total: number;
  limit: number;
  from: number | null;
  next: number | null;
}

export interface TaskStore {
  /** False when a task with this uid exists already. */
  create(task: TaskRecord): Promise<boolean>;
  get(uid: number): Promise<TaskRecord | null>;
  /** Read-modify-write with optimistic retry; null when the task does not exist. */
  update(uid: number, mutate: (current: TaskRecord) => TaskRecord): Promise<TaskRecord | null>;
  list(query?: TaskQuery): Promise<TaskPage>;
  /** Deletes every task matching the filter; returns how many. */
  deleteWhere(filter: TaskFilter): Promise<number>;
  /** Deletes finished tasks whose finishedAt is before `cutoffMs`; returns how many. */
  prune(cutoffMs: number): Promise<number>;
  /** Log position up to which every task is settled (the reconciler resumes after it). */
  settledThrough(): Promise<number>;
  /** Moves it forward only (a late writer cannot move it back). */
  setSettledThrough(seq: number): Promise<void>;
}
