/**
 * Applies one task to the node (emulator.md §5): validates everything first, so a failure applies
 * nothing, then mutates. Deterministic given the state and `at`, so the journal can replay it.
 */
import { inIndex } from '../engine/index-error.js';
import { MeiliError } from '#lib/errors';
import { renameConflict } from '#lib/meili-api';
import { applySettingsPatch } from '../engine/index.js';
import { inferPrimaryKey, requireDocumentId } from '../state/document-ids.js';
import type { IndexRecord, NodeState } from '../state/node-state.js';
import type { Swap, Task, TaskPayload } from './task.js';

export interface ExecutionContext {
  state: NodeState;
  /** Time of the effects (the task's finishedAt). */
  at: string;
  /** Cancels the given tasks (enqueued or processing), returns how many were canceled. */
  cancelTasks(uids: number[], by: number): number;
  /** Deletes the given finished tasks, returns how many were deleted. */
  deleteTasks(uids: number[]): number;
}

type Details = Record<string, unknown>;

function orCreate(ctx: ExecutionContext, uid: string): IndexRecord {
  return ctx.state.indexes.get(uid) ?? ctx.state.create(uid, null, ctx.at);
}

/** milli's `PrimaryKeyCannotBeChanged`; an index update's task names the index, a document
 *  addition's does not (meilisearch tests/index/update_index.rs; the gateway's door check). */
function alreadyHasKey(primaryKey: string, uid?: string): MeiliError {
  return new MeiliError(
    'index_primary_key_already_exists',
    `${uid ? `Index \`${uid}\`: ` : ''}Index already has a primary key: \`${primaryKey}\`.`,
  );
}

function addDocuments(
  ctx: ExecutionContext,
  index: IndexRecord,
  p: Extract<TaskPayload, { kind: 'documents' }>,
  details: Details,
): Details {
  let primaryKey = index.primaryKey;
  if (p.primaryKey !== null) {
    if (primaryKey !== null && primaryKey !== p.primaryKey) throw alreadyHasKey(primaryKey);
    primaryKey = p.primaryKey;
  }
  if (primaryKey === null && p.documents.length > 0) primaryKey = inferPrimaryKey(p.documents[0]!);
  const entries =
    primaryKey === null
      ? []
      : p.documents.map((doc) => ({ id: requireDocumentId(doc, primaryKey), doc }));
  const indexed = index.engine.upsert(entries, p.mode);
  index.primaryKey = primaryKey;
  index.updatedAt = ctx.at;
  return { ...details, indexedDocuments: indexed };
}

function swapIndexes(ctx: ExecutionContext, swaps: Swap[]): void {
  // Sorted and once each (a BTreeSet in index-scheduler process_batch.rs `IndexSwap`).
  const missing = [
    ...new Set(
      swaps
        .flatMap((s) => (s.rename ? [s.indexes[0]] : s.indexes))
        .filter((uid) => !ctx.state.indexes.has(uid)),
    ),
  ].sort();
  if (missing.length === 1)
    throw new MeiliError('index_not_found', `Index \`${missing[0]}\` not found.`);
  if (missing.length > 0)
    throw new MeiliError(
      'index_not_found',
      `Indexes ${missing.map((m) => `\`${m}\``).join(', ')} not found.`,
    );
  const taken = swaps
    .filter((s) => s.rename && ctx.state.indexes.has(s.indexes[1]))
    .map((s) => s.indexes);
  if (taken.length > 0) throw renameConflict(taken);
  for (const {
    indexes: [a, b],
    rename,
  } of swaps) {
    const first = ctx.state.get(a);
    if (rename) {
      ctx.state.indexes.delete(a);
      ctx.state.indexes.set(b, { ...first, uid: b, updatedAt: ctx.at });
      continue;
    }
    const second = ctx.state.get(b);
    ctx.state.indexes.set(a, { ...second, uid: a, updatedAt: ctx.at });
    ctx.state.indexes.set(b, { ...first, uid: b, updatedAt: ctx.at });
  }
}

/** Runs `task` and returns its final details; throws MeiliError when the task fails. */
export function executeTask(task: Task, ctx: ExecutionContext): Details | null {
  const p = task.payload;
  const details: Details = { ...(task.details ?? {}) };
  const uid = task.indexUid ?? '';
  if (!p) throw new MeiliError('internal', `task ${task.uid} has no payload`);
  switch (p.kind) {
    case 'indexCreation':
      if (ctx.state.indexes.has(uid))
        throw new MeiliError('index_already_exists', `Index \`${uid}\` already exists.`);
      ctx.state.create(uid, p.primaryKey, ctx.at);
      return details;
    case 'indexUpdate': {
      const index = ctx.state.get(uid);
      if (p.primaryKey !== null && p.primaryKey !== index.primaryKey) {
        if (index.engine.size > 0) throw alreadyHasKey(index.primaryKey!, uid);
        index.primaryKey = p.primaryKey;
      }
      index.updatedAt = ctx.at;
      if (p.rename) {
        if (ctx.state.indexes.has(p.rename))
          throw new MeiliError('index_already_exists', `Index \`${p.rename}\` already exists.`);
        ctx.state.indexes.delete(uid);
        ctx.state.indexes.set(p.rename, { ...index, uid: p.rename });
      }
      return details;
    }
    case 'indexDeletion': {
      const deleted = ctx.state.get(uid).engine.size;
      ctx.state.indexes.delete(uid);
      return { ...details, deletedDocuments: deleted };
    }
    case 'indexSwap':
      swapIndexes(ctx, p.swaps);
      return details;
    case 'documents':
      return addDocuments(ctx, orCreate(ctx, uid), p, details);
    case 'deleteIds':
    case 'deleteFilter':
    case 'deleteAll': {
      const index = ctx.state.get(uid);
      const deleted =
        p.kind === 'deleteIds'
          ? index.engine.deleteIds(p.ids)
          : p.kind === 'deleteFilter'
            ? inIndex(uid, () => index.engine.deleteByFilter(p.filter))
            : index.engine.clear();
      index.updatedAt = ctx.at;
      return { ...details, deletedDocuments: deleted };
    }
    case 'settings': {
      const index = orCreate(ctx, uid);
      index.engine.setSettings(applySettingsPatch(index.engine.settings, p.patch));
      index.updatedAt = ctx.at;
      return details;
    }
    case 'cancel':
      return { ...details, canceledTasks: ctx.cancelTasks(p.uids, task.uid) };
    case 'delete':
      return { ...details, deletedTasks: ctx.deleteTasks(p.uids) };
  }
}
