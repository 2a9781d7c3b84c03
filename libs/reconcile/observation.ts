import type { TaskError, TaskStatus } from '#lib/store';

/** What a node's `GET /tasks/{uid}` says about one node task (the fields the reconciler uses). */
export interface NodeTaskView {
  status: TaskStatus;
  startedAt: string | null;
  finishedAt: string | null;
  details: Record<string, unknown> | null;
  error: TaskError | null;
}

/** Where copies live: node → replica group, and copies of each document inside one group. */
export interface CopyLayout {
  groupOf: Record<string, string>;
  /** Group → min(RF, nodes in the group). */
  copies: Record<string, number>;
}

/** Everything the reconciler saw for one task on one tick; `next` does no I/O. */
export interface Observation {
  /** RFC 3339 time of the observation. */
  now: string;
  /** Latest view of each node task seen so far (node id → view). */
  nodes: Record<string, NodeTaskView>;
  layout: CopyLayout;
  /** For a `taskCancelation`: its marked targets still running, and those it canceled. */
  cancelTargets?: { pending: number; canceled: number };
  /** For a `taskDeletion`: how many target records are gone, once the deletion ran. */
  deletedTasks?: number;
}

export const EMPTY_LAYOUT: CopyLayout = { groupOf: {}, copies: {} };
