import { z } from 'zod';
import { COPY_STATES, NODE_STATES } from './subjects.js';
import { TASK_STATUSES } from './task-status.js';

/**
 * Payloads (`data`) of every event in state.md's table. Schemas carry no transforms, so they render
 * as JSON Schema for the AsyncAPI document. Unknown fields are stripped on validation, so an older
 * consumer keeps working when a producer adds one.
 */

const uid = z.string().regex(/^[A-Za-z0-9_-]{1,400}$/);
const taskUid = z.number().int().nonnegative();
const shard = z.number().int().nonnegative();
const nodeId = uid;
const isoTime = z.iso.datetime();
/** Meilisearch's filter forms: string, or array of strings and arrays of strings. */
const filter = z.union([z.string(), z.array(z.union([z.string(), z.array(z.string())]))]);

export const documentsWrittenData = z.object({
  taskUid,
  indexUid: uid,
  shards: z.array(shard).describe('shards that received documents, ascending'),
  documentCount: z.number().int().nonnegative(),
});

export const documentsDeletedData = z.object({
  taskUid,
  indexUid: uid,
  deletion: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('ids'), ids: z.array(z.string()) }),
    z.object({ kind: z.literal('filter'), filter }),
    z.object({ kind: z.literal('all') }),
  ]),
});

const indexChange = { taskUid, indexUid: uid };
export const indexCreatedData = z.object({
  ...indexChange,
  primaryKey: z.string().nullable(),
  shards: z.number().int().min(1).describe('shard count S of the new index'),
});
export const indexUpdatedData = z.object({ ...indexChange, primaryKey: z.string().nullable() });
export const indexDeletedData = z.object(indexChange);
export const indexSettingsData = z.object({
  ...indexChange,
  settings: z
    .record(z.string(), z.unknown())
    .describe('the submitted settings, reset fields as null'),
});

const errorObject = z.object({
  message: z.string(),
  code: z.string(),
  type: z.string(),
  link: z.string(),
});

/** Meilisearch's task object (emulator.md §2.2), as Miroir serves it on GET /tasks/{uid}. */
export const taskData = z.object({
  uid: taskUid,
  batchUid: z.number().int().nonnegative().nullable(),
  indexUid: uid.nullable(),
  status: z.enum(TASK_STATUSES),
  type: z.string(),
  canceledBy: taskUid.nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  error: errorObject.nullable(),
  duration: z.string().nullable(),
  enqueuedAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});

export const topologyChangedData = z.object({
  epoch: z.number().int().nonnegative(),
  change: z.enum(['nodeAdded', 'nodeDraining', 'nodeRemoved', 'nodeState', 'placement']),
  nodeId: nodeId.optional(),
  indexUid: uid.optional(),
  shards: z.array(shard).optional(),
});

export const copyStateData = z.object({
  nodeId,
  from: z.enum(COPY_STATES),
  to: z.enum(COPY_STATES),
  reason: z.string(),
  appliedSeq: z.number().int().nonnegative().describe('log position the copy has applied'),
});

export const nodeStateData = z.object({
  nodeId,
  from: z.enum(NODE_STATES).nullable(),
  to: z.enum(NODE_STATES),
  error: z.string().nullable().describe('last error seen, for failed'),
});

const move = z.object({
  indexUid: uid,
  shard,
  group: z.string(),
  source: nodeId.nullable().describe('copy read from; null when the shard is new'),
  target: nodeId,
});
const rebalanceId = z.string().min(1);

export const rebalancePlannedData = z.object({
  rebalanceId,
  epoch: z.number().int().nonnegative(),
  moves: z.array(move),
  drops: z.array(z.object({ indexUid: uid, shard, group: z.string(), nodeId })),
});

export const rebalanceProgressData = z.object({
  rebalanceId,
  move,
  phase: z.enum(['copy', 'verify', 'cutover', 'cleanup', 'done']),
  documentsCopied: z.number().int().nonnegative(),
  documentsTotal: z.number().int().nonnegative().nullable(),
  totals: z.object({
    movesDone: z.number().int().nonnegative(),
    movesTotal: z.number().int().nonnegative(),
  }),
});

export const rebalanceCompletedData = z.object({
  rebalanceId,
  movesDone: z.number().int().nonnegative(),
  documentsCopied: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
});

export const rebalanceFailedData = z.object({
  rebalanceId,
  move: move.nullable(),
  error: z.string(),
});

export const aliasFlippedData = z.object({
  alias: uid,
  version: z.number().int().nonnegative(),
  oldTargets: z.array(uid),
  newTargets: z.array(uid).min(1),
  actor: z.string().nullable(),
});

/** Strict, as `keysRotatedData`: uids only, never a value. */
export const nodeKeyRotatedData = z
  .object({
    generation: z.number().int().positive(),
    oldKeyUid: z.uuid().nullable(),
    newKeyUid: z.uuid(),
  })
  .strict();

/** Strict: a key value must never travel on the bus, so any extra field is refused. */
export const keysRotatedData = z
  .object({
    indexUid: uid,
    generation: z.number().int().nonnegative(),
    oldKeyUid: z.uuid().nullable(),
    newKeyUid: z.uuid(),
  })
  .strict();
