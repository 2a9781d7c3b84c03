import { COPY_STATES, type CopyState } from '#lib/contracts';
import type { TaskError } from './task.port.js';

/**
 * Whether a node's copy serves reads (replication.md, R4 and R7): `caught-up` does; `lagging` (down,
 * slow, or over the lag bound) does not until it applied everything accepted before it asked to
 * rejoin; `stale` (its backlog passed the log's limits, or it lost order) never again until rebuilt.
 */
export { COPY_STATES, type CopyState };

/** One request the node accepted and has not finished yet. */
export interface InflightBatch {
  nodeTaskUid: number;
  /** Log positions the request carries (inclusive). */
  fromSeq: number;
  toSeq: number;
  /** Miroir task uids whose part is in the request. */
  tasks: number[];
  /** The request carried more than one task's part (its outcome is shared). */
  combined: boolean;
}

/** A node writer's progress, kept so another process can take over where it stopped. */
export interface WriterStatus {
  nodeId: string;
  /** The log position this copy's writer started from (a node added or rebuilt later: past 0). */
  fromSeq?: number;
  /**
   * Whether the writer commits the placement steps it passes: every step before `fromSeq` was in
   * the store when it started (absent: a writer from before this field, which did).
   */
  trusted?: boolean;
  /** Every message up to here was handed to the node or needed nothing from it. */
  sentSeq: number;
  /** Every message up to here is finished on the node. */
  appliedSeq: number;
  /** Log time (epoch ms) of the first message not yet applied; null when none is waiting. */
  oldestPendingAt: number | null;
  /** The highest node task uid the writers of this node created; later ones are not theirs. */
  lastNodeTaskUid: number | null;
  inflight: InflightBatch[];
  state: CopyState;
  /** When `state` last changed (epoch ms). */
  stateSince: number;
  /** A lagging copy serves reads again once `appliedSeq` reaches this. */
  rejoinTarget: number | null;
  /** Messages appended and not yet applied here. */
  lagMessages: number;
  retries: number;
  refusedParts: number;
  holder: string | null;
  /** What the writer is doing now (reading the log, sending a batch, waiting for the node…). */
  activity?: string;
  updatedAt: number;
  error: string | null;
}

/** How one node finished its part of one task. */
export interface PartOutcome {
  status: 'succeeded' | 'failed' | 'skipped';
  /** The node task that carried the part (null when nothing was sent). */
  nodeTaskUid?: number | null;
  error?: TaskError;
  /** The node task's details, when the node task carried this task alone. */
  details?: Record<string, unknown>;
  /** Why a part was skipped, e.g. `index-deleted`. */
  reason?: string;
}

export interface TaskGate {
  started: boolean;
  canceledBy: number | null;
}

/** Node writers' shared state: progress per node, outcomes per task, the start/cancel gate. */
export interface WriterStore {
  get(nodeId: string): Promise<WriterStatus | null>;
  list(): Promise<WriterStatus[]>;
  /** Fenced by the node's writer lease: a deposed writer's update is refused. */
  put(status: WriterStatus, fence?: { scope: string; token: number }): Promise<void>;
  remove(nodeId: string): Promise<void>;
  /** Grows on every status change: a reader polls it cheaply and reads statuses when it moved. */
  changes(): Promise<number>;
  /** Records outcomes of parts on one node (kept until the task is settled and pruned). */
  recordOutcomes(
    nodeId: string,
    outcomes: ReadonlyArray<{ uid: number; outcome: PartOutcome }>,
  ): Promise<void>;
  outcomes(uid: number): Promise<Record<string, PartOutcome>>;
  dropOutcomes(uids: readonly number[]): Promise<void>;
  /**
   * The gate of "cancel is all or nothing": marks each task started unless it was canceled first;
   * returns the canceled ones (which every writer then skips).
   */
  start(uids: readonly number[]): Promise<Map<number, number>>;
  /** Cancels each task no writer has started; returns those it canceled. */
  cancel(uids: readonly number[], by: number): Promise<number[]>;
  /**
   * Reports a copy that disagrees with its siblings (it refused a part they took): its writer marks
   * it stale on its next tick. Cleared when the copy is rebuilt.
   */
  breakCopy(nodeId: string, reason: string): Promise<void>;
  copyBreak(nodeId: string): Promise<string | null>;
  clearCopyBreak(nodeId: string): Promise<void>;
  /** Whether a task was started, and by which task it was canceled. */
  gate(uid: number): Promise<TaskGate>;
  gates(uids: readonly number[]): Promise<Map<number, TaskGate>>;
}
