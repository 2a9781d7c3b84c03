/** A batch a node missed, kept until it is replayed to that node. */
export interface HintBatch {
  /** Per-store sequence: replay order. */
  seq: number;
  nodeId: string;
  indexUid: string;
  taskUid: number;
  /** What to replay, e.g. `{method, path, body}`; opaque to the store. */
  request: unknown;
  createdAt: string;
}

export interface HintStore {
  /** Records a missed batch; returns its sequence number. */
  append(batch: Omit<HintBatch, 'seq'>): Promise<number>;
  /** The oldest `limit` batches of a node, in sequence order. */
  pending(nodeId: string, limit?: number): Promise<HintBatch[]>;
  /** Removes a replayed batch; false when it was not pending. */
  ack(nodeId: string, seq: number): Promise<boolean>;
  count(nodeId: string): Promise<number>;
  /** Nodes with at least one pending batch. */
  nodes(): Promise<string[]>;
}
