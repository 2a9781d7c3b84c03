import type { CatalogRecord } from '#lib/contracts';

export type { CatalogRecord };

/** A node-side index: which client index holds it now, or when it was deleted. */
export interface NodeIndexState {
  /** The client uid it serves; null once deleted. */
  uid: string | null;
  /** Log position of the deletion; null while it lives. */
  deletedAtSeq: number | null;
}

/** The catalog change one `meta` log message makes (replication.md: the log is the source). */
export interface CatalogChange {
  /** The message's log position. */
  seq: number;
  /** Position of the meta message this one was decided after (the catalog must be there). */
  prevSeq: number;
  /** Full records after the change; null removes the client index. */
  records: Record<string, CatalogRecord | null>;
  /** Node-side indexes the change deletes. */
  dropped: string[];
}

/**
 * `applied`; `already` (this position or a later one is applied); `gap` (the catalog is behind
 * `prevSeq`: apply the missing meta messages first).
 */
export type CatalogApply = 'applied' | 'already' | 'gap';

/**
 * The index catalog: a fold of the log's meta messages in order, so every process that applies them
 * reaches the same state, and a process that died between appending and applying is caught up by
 * the next one.
 */
export interface CatalogStore {
  /** Position of the last meta message applied (0 for none). */
  seq(): Promise<number>;
  get(uid: string): Promise<CatalogRecord | null>;
  /** Every live index, by uid (byte order, as Meilisearch lists them). */
  list(): Promise<CatalogRecord[]>;
  nodeIndex(nodeUid: string): Promise<NodeIndexState | null>;
  apply(change: CatalogChange): Promise<CatalogApply>;
}
