/** The indexes of one node. Only the task executor (and persistence restore) mutates it. */
import { MeiliError } from '#lib/errors';
import { IndexEngine } from '../engine/index.js';

export interface IndexRecord {
  uid: string;
  createdAt: string;
  updatedAt: string;
  primaryKey: string | null;
  engine: IndexEngine;
}

export class NodeState {
  readonly indexes = new Map<string, IndexRecord>();

  get(uid: string): IndexRecord {
    const index = this.indexes.get(uid);
    if (!index) throw new MeiliError('index_not_found', `Index \`${uid}\` not found.`);
    return index;
  }

  create(
    uid: string,
    primaryKey: string | null,
    at: string,
    engine = new IndexEngine(),
  ): IndexRecord {
    const record = { uid, createdAt: at, updatedAt: at, primaryKey, engine };
    this.indexes.set(uid, record);
    return record;
  }

  /** Sorted by uid, as GET /indexes lists them. */
  sorted(): IndexRecord[] {
    return [...this.indexes.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  }

  /** The latest updatedAt among `visible` indexes, or null. */
  lastUpdate(visible: (uid: string) => boolean): string | null {
    let latest: string | null = null;
    for (const index of this.indexes.values()) {
      if (visible(index.uid) && (latest === null || index.updatedAt > latest))
        latest = index.updatedAt;
    }
    return latest;
  }

  clear(): void {
    this.indexes.clear();
  }
}
