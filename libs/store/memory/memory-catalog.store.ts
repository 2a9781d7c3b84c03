import type {
  CatalogApply,
  CatalogChange,
  CatalogRecord,
  CatalogStore,
  NodeIndexState,
} from '../ports/catalog.port.js';

/** The catalog in maps: the reference semantics the Redis adapter must match. */
export class MemoryCatalogStore implements CatalogStore {
  private applied = 0;
  private readonly records = new Map<string, string>();
  private readonly nodeIndexes = new Map<string, NodeIndexState>();

  async seq(): Promise<number> {
    return this.applied;
  }

  async get(uid: string): Promise<CatalogRecord | null> {
    const raw = this.records.get(uid);
    return raw === undefined ? null : (JSON.parse(raw) as CatalogRecord);
  }

  async list(): Promise<CatalogRecord[]> {
    return [...this.records.keys()]
      .sort() // index uids are ASCII: code unit order is byte order
      .map((uid) => JSON.parse(this.records.get(uid)!) as CatalogRecord);
  }

  async nodeIndex(nodeUid: string): Promise<NodeIndexState | null> {
    return this.nodeIndexes.get(nodeUid) ?? null;
  }

  async apply(change: CatalogChange): Promise<CatalogApply> {
    if (this.applied >= change.seq) return 'already';
    if (this.applied !== change.prevSeq) return 'gap';
    for (const [uid, record] of Object.entries(change.records)) {
      if (record === null) this.records.delete(uid);
      else {
        this.records.set(uid, JSON.stringify(record));
        this.nodeIndexes.set(record.nodeUid, { uid, deletedAtSeq: null });
      }
    }
    for (const nodeUid of change.dropped) {
      this.nodeIndexes.set(nodeUid, { uid: null, deletedAtSeq: change.seq });
    }
    this.applied = change.seq;
    return 'applied';
  }
}
