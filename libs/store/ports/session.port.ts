/** Read-your-writes session (feature table 4). */
export interface SessionRecord {
  id: string;
  /** Uid of the last write task made in this session. */
  lastWriteTask: number | null;
  /** Replica group reads are pinned to while that write propagates. */
  pinnedGroup: string | null;
  /** index uid → lowest settings version reads must see. */
  minSettingsVersion: Record<string, number>;
}

/** Idempotency cache entry (feature table 5): a replayed key answers the first task. */
export interface IdempotencyRecord {
  key: string;
  bodyHash: string;
  taskUid: number;
  createdAt: string;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Admin UI session (feature table 14). */
export interface AdminSessionRecord {
  id: string;
  csrfToken: string;
  adminKeyHash: string;
  expiresAt: string;
  revoked: boolean;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
}

/** Per-pod observation beacon for key rotation: index uid → generation observed. */
export interface BeaconRecord {
  pod: string;
  generations: Record<string, number>;
  seenAt: string;
}

export const BEACON_TTL_MS = 60_000;
