import type { CopyState, PartOutcome } from '#lib/store';

/** What the details counters read of one node's part: its node task's details. */
export interface NodeTaskView {
  details: Record<string, unknown> | null;
}

/** Where copies live: node → replica group, and copies of each document inside one group. */
export interface CopyLayout {
  groupOf: Record<string, string>;
  /** Group → min(RF, nodes in the group). */
  copies: Record<string, number>;
}

/** A node writer's progress as the reconciler reads it. */
export interface CopyView {
  appliedSeq: number;
  sentSeq: number;
  state: CopyState;
  stateSince: number;
  rejoinTarget: number | null;
}

/** Everything the reconciler saw for one task on one tick; `next` does no I/O. */
export interface Observation {
  /** Epoch ms of the observation. */
  now: number;
  /** The task's log position. */
  seq: number;
  /** Nodes holding a part of the task (its shards' copies, or every node for index-wide work). */
  targets: string[];
  /** Node writers' progress, by node. */
  copies: Record<string, CopyView>;
  /** How each node finished its part, when the writer recorded it. */
  outcomes: Record<string, PartOutcome>;
  /** The start/cancel gate of the task. */
  gate: { started: boolean; canceledBy: number | null };
  /** The task's node-side index (its name in node errors), null for work on no index. */
  nodeIndexUid?: string | null;
  /** Log position at which the task's node-side index was deleted (null: it lives). */
  indexDeletedAt: number | null;
  layout: CopyLayout;
  /** For a `taskCancelation`: how many of its targets it canceled. */
  canceledTasks?: number;
  /** For a `taskDeletion`: how many target records are gone, once the deletion ran. */
  deletedTasks?: number;
}

export const EMPTY_LAYOUT: CopyLayout = { groupOf: {}, copies: {} };
