export type MigrationPhase =
  | 'planned'
  | 'incoming'
  | 'copy'
  | 'verify'
  | 'cutover'
  | 'cleanup'
  | 'done'
  | 'failed'
  | 'canceled';

/** Whether a move has ended (done, failed or canceled): it holds no shard any more. */
export function isFinishedPhase(phase: MigrationPhase): boolean {
  return phase === 'done' || phase === 'failed' || phase === 'canceled';
}

/** One shard copy of one index moving from a source copy to a target node (operations.md). */
export interface MigrationRecord {
  /** `<nodeUid>.<group>.<shard>.<target>`: one move of a copy at a time. */
  id: string;
  /** The rebalance run that planned it. */
  run: string;
  /** The client uid when planned (for people); the move follows the node-side index. */
  indexUid: string;
  nodeUid: string;
  shard: number;
  group: string;
  /** A caught-up copy to copy from (another one is taken if it stops serving). */
  source: string;
  target: string;
  /** The node that stops owning the shard at cut-over, if any. */
  displaced: string | null;
  phase: MigrationPhase;
  /** Log position from which the target takes the shard's writes. */
  incomingSeq: number | null;
  /** The last placement step appended (its log id and position), until writers committed it. */
  pendingStep?: { msgId: string; seq: number } | null;
  /** Log position of the `filled` step: partial updates reach the target whole from there on. */
  filledSeq?: number | null;
  /** Resume point of the copy: documents of the source's shard already copied (offset). */
  cursor: number;
  counts: { copied: number; total: number; repaired: number };
  /** Epoch of the cut-over commit: the displaced copy is deleted once every gateway has it. */
  cutoverEpoch: number | null;
  attempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** Where the current (or last) rebalance run stands; the id `current`. */
export interface RebalanceRun {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  /** Copies the plan moves; `minimum`: copies any plan reaching the same placement must move. */
  planned: number;
  minimum: number;
  paused: boolean;
}

/** A gateway's newest topology epoch (TTL table keyed by pod). */
export interface EpochBeacon {
  pod: string;
  epoch: number;
  seenAt: string;
}

export const EPOCH_BEACON_TTL_MS = 5000;

/** A stale copy's rebuild: its writer starts again after `fromSeq`, holding nothing (by node id). */
export interface RebuildRequest {
  nodeId: string;
  fromSeq: number;
  requestedAt: string;
}
