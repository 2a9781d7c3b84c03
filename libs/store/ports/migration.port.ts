export type MigrationPhase =
  'planned' | 'incoming' | 'copy' | 'verify' | 'cutover' | 'cleanup' | 'done' | 'failed';

/** One shard of one index moving from a source copy to a target node (operations.md). */
export interface MigrationRecord {
  id: string;
  indexUid: string;
  shard: number;
  group: string;
  source: string;
  target: string;
  /** The node that stops owning the shard at cut-over, if any. */
  displaced: string | null;
  phase: MigrationPhase;
  /** Resume point of the copy (e.g. last primary key copied). */
  cursor: string | null;
  counts: { copied: number; verified: number; deleted: number };
  attempts: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}
