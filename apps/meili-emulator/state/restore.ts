/** Snapshot of a node and its restoration from snapshot + journal replay (emulator.md §7.3). */
import { IndexEngine } from '../engine/index.js';
import type { Emulator } from '../emulator.js';
import { FORMAT_VERSION, type JournalEntry, type Snapshot } from './persistence.js';

export function snapshotNode(node: Emulator): Snapshot {
  return {
    formatVersion: FORMAT_VERSION,
    nextUid: node.queue.nextUid,
    nextBatchUid: node.queue.nextBatchUid,
    indexes: [...node.state.indexes.values()].map((index) => ({
      uid: index.uid,
      createdAt: index.createdAt,
      updatedAt: index.updatedAt,
      primaryKey: index.primaryKey,
      settings: index.engine.settings,
      documents: [...index.engine.documents()],
    })),
    tasks: [...node.queue.tasks.values()],
    keys: node.keys.list().reverse(),
  };
}

/** Loads the snapshot, then replays the journal: tasks re-run deterministically at their recorded time. */
export function restoreNode(
  node: Emulator,
  snapshot: Snapshot | undefined,
  journal: JournalEntry[],
): void {
  if (snapshot) {
    for (const index of snapshot.indexes) {
      const engine = new IndexEngine(index.settings);
      engine.upsert(index.documents, 'replace');
      node.state.create(index.uid, index.primaryKey, index.createdAt, engine).updatedAt =
        index.updatedAt;
    }
    for (const task of snapshot.tasks.sort((a, b) => a.uid - b.uid)) node.queue.restore(task);
    for (const key of snapshot.keys) node.keys.insert(key);
    node.queue.nextUid = snapshot.nextUid;
    node.queue.nextBatchUid = snapshot.nextBatchUid;
  }
  for (const entry of journal) {
    switch (entry.op) {
      case 'enqueue':
        node.queue.restore(entry.task);
        node.queue.nextUid = Math.max(node.queue.nextUid, entry.task.uid + 1);
        break;
      case 'finish': {
        const { record } = entry;
        const task = node.queue.tasks.get(record.uid);
        if (
          task &&
          record.status !== 'canceled' &&
          !record.injected &&
          record.finishedAt !== null
        ) {
          try {
            node.runTask(task, record.finishedAt);
          } catch {
            // Failed originally too: only the side effects before the failure (index creation) matter.
          }
        }
        node.queue.applyFinish(record);
        break;
      }
      case 'keyPut':
        node.keys.remove(entry.key.uid);
        node.keys.insert(entry.key);
        break;
      case 'keyDelete':
        node.keys.remove(entry.uid);
        break;
    }
  }
}
