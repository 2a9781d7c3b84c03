/** The copy checker's record of one run over one index (replication.md, "A copy checker"). */
export interface CheckRecord {
  id: string;
  indexUid: string;
  /** Repair disagreeing copies from the newest versions, not only report them. */
  repair: boolean;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: { shardsDone: number; shards: number };
  /** Shards where copies disagree, and disagreeing documents in all. */
  disagreeingShards: number;
  disagreements: number;
  shards: CheckedShard[];
  /** Log position of the repair message, once appended. */
  repairTaskUid: number | null;
  repaired: { put: number; removed: number } | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface CheckedShard {
  shard: number;
  copies: { nodeId: string; count: number; digest: string }[];
  agree: boolean;
  /** Up to 20 disagreeing documents: version per copy (null: absent). */
  differences: { id: string; versions: Record<string, number | null> }[];
}

/** Check records live a week. */
export const CHECK_TTL_MS = 7 * 24 * 3600 * 1000;
