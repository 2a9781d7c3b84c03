/**
 * The model chaos drills check copies against: the acknowledged writes of a test, applied in log
 * order (task uids are log positions), as one Meilisearch node would apply them.
 */
export type ModelDoc = { id: number; v: string; group: string; n?: number };
export type ModelOp =
  | { kind: 'replace'; docs: ModelDoc[] }
  | { kind: 'update'; docs: Pick<ModelDoc, 'id' | 'v'>[] }
  | { kind: 'deleteIds'; ids: number[] }
  | { kind: 'deleteGroup'; group: string }
  | { kind: 'settings'; stopWords: string[] };

export interface RecordedOp {
  op: ModelOp;
  taskUid: number;
}

/** What the succeeded operations make of the documents, applied in task uid (log) order. */
export function replayWrites(
  ops: readonly RecordedOp[],
  statuses: ReadonlyMap<number, string>,
): Map<number, ModelDoc> {
  const docs = new Map<number, ModelDoc>();
  for (const { op, taskUid } of [...ops].sort((a, b) => a.taskUid - b.taskUid)) {
    if (statuses.get(taskUid) !== 'succeeded') continue;
    if (op.kind === 'replace') for (const d of op.docs) docs.set(d.id, { ...d });
    else if (op.kind === 'update') {
      // PUT is add-or-update: an update of a missing document creates it with these fields.
      for (const d of op.docs) docs.set(d.id, { ...(docs.get(d.id) ?? ({} as ModelDoc)), ...d });
    } else if (op.kind === 'deleteIds') for (const id of op.ids) docs.delete(id);
    else if (op.kind === 'deleteGroup') {
      for (const [id, d] of docs) if (d.group === op.group) docs.delete(id);
    }
  }
  return docs;
}

/** A node's document without Miroir's reserved fields. */
export const withoutReserved = (doc: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('_miroir_')));
