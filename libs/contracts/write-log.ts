import { z } from 'zod';
import { token } from './subjects.js';

/**
 * The write log (replication.md): one JetStream stream per cluster that every write goes through
 * in order. A message is one task: a JSON header line, then the body bytes the header describes.
 * The gateway writes messages; node writers, the task-reconciler and the catalog read them. This
 * file is the whole contract between them.
 */

export interface LogNames {
  /** The stream of log messages. */
  stream: string;
  /** Bodies too large for one NATS message are staged here before their message is appended. */
  chunkStream: string;
  /** Every log subject starts with this. */
  prefix: string;
  chunkPrefix: string;
}

/** Stream and subject names of one cluster's log; `stream` is a valid stream name and token. */
export function logNames(stream: string): LogNames {
  token(stream);
  return {
    stream,
    chunkStream: `${stream}_CHUNKS`,
    prefix: `miroir-log.${stream}`,
    chunkPrefix: `miroir-chunks.${stream}`,
  };
}

export const logSubjects = {
  /** Catalog changes (index lifecycle, settings, first writes): compare-and-set on this subject. */
  meta: (n: LogNames) => `${n.prefix}.meta`,
  /** Task control (cancel, delete). */
  control: (n: LogNames) => `${n.prefix}.ctl`,
  /** Document writes of one index (by its client uid at the time of the write). */
  documents: (n: LogNames, index: string) => `${n.prefix}.docs.${token(index)}`,
  all: (n: LogNames) => `${n.prefix}.>`,
  chunk: (n: LogNames, id: string) => `${n.chunkPrefix}.${token(id)}`,
  allChunks: (n: LogNames) => `${n.chunkPrefix}.>`,
} as const;

/** A task uid is its message's stream sequence minus one, so the first task is 0 as on Meilisearch. */
export const taskUidOf = (seq: number): number => seq - 1;
export const seqOfTask = (uid: number): number => uid + 1;

const uid = z.string().regex(/^[A-Za-z0-9_-]{1,400}$/);
const shard = z.number().int().nonnegative();
const count = z.number().int().nonnegative();

/** An index as nodes know it: the client's uid and the node-side index that holds its copies. */
export const indexRef = z.object({ uid, nodeUid: uid });
export type IndexRef = z.infer<typeof indexRef>;

/** Meilisearch's error object. */
export const taskError = z.object({
  message: z.string(),
  code: z.string(),
  type: z.string(),
  link: z.string(),
});
export type TaskError = z.infer<typeof taskError>;

/** An index as the catalog keeps it (client view; settings never show reserved fields). */
export const catalogRecord = z.object({
  uid,
  /** The node-side index holding this index's documents; unique forever (swaps exchange them). */
  nodeUid: uid,
  primaryKey: z.string().nullable(),
  /** Set by the first document write: from then on the primary key cannot change. */
  primaryKeyFixed: z.boolean(),
  shards: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
  settings: z.record(z.string(), z.unknown()),
  settingsVersion: count,
});
export type CatalogRecord = z.infer<typeof catalogRecord>;

const documentPart = z.object({ shard, bytes: count, count });

/** What nodes must do for one message (nothing, for catalog-only and refused tasks). */
export const logOp = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({
    kind: z.literal('createIndex'),
    index: indexRef,
    settings: z.record(z.string(), z.unknown()),
  }),
  z.object({ kind: z.literal('deleteIndex'), index: indexRef }),
  z.object({
    kind: z.literal('settings'),
    index: indexRef,
    patch: z.record(z.string(), z.unknown()),
  }),
  z.object({
    kind: z.literal('documents'),
    index: indexRef,
    /** `replace` = POST (whole documents), `update` = PUT (merged into existing ones). */
    method: z.enum(['replace', 'update']),
    primaryKey: z.string(),
    /** Body layout: each part's bytes in order, newline-separated one-line JSON documents. */
    parts: z.array(documentPart),
    /** The write creates the index: nodes create it with these settings first. */
    create: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    kind: z.literal('deleteIds'),
    index: indexRef,
    parts: z.array(z.object({ shard, ids: z.array(z.string()) })),
  }),
  z.object({ kind: z.literal('deleteFilter'), index: indexRef, filter: z.unknown() }),
  z.object({ kind: z.literal('deleteAll'), index: indexRef }),
  z.object({
    kind: z.literal('repair'),
    index: indexRef,
    primaryKey: z.string(),
    /** A migration's copy or repair (its id): not a client task, so it has no task record. */
    migration: z.string().optional(),
    /**
     * A move's repair of documents whose content differs at the same version: they replace what
     * the copy holds at that version too (a document a partial update created there cut down).
     */
    overEqual: z.boolean().optional(),
    /**
     * Per copy to repair: documents to put back (one-line JSON carrying their own shard and version
     * fields; the body holds each node's part in this order) and ids to remove, each with the
     * version it was deleted at. A copy applies each only where it holds nothing newer.
     */
    nodes: z.array(
      z.object({
        nodeId: uid,
        bytes: count,
        count,
        removals: z.array(z.object({ id: z.string(), version: count })),
      }),
    ),
  }),
  /**
   * A step of a shard move (operations.md): node writers apply it to their placement at this
   * position; the gaining node creates the index first, a released node deletes the shard. Not a
   * client task: it has no task record.
   */
  z.object({
    kind: z.literal('placement'),
    index: indexRef,
    change: z.object({
      shard,
      group: uid,
      step: z.enum(['incoming', 'filled', 'cutover', 'reinstate', 'release']),
      node: uid,
      displaced: uid.nullable().optional(),
    }),
  }),
  z.object({ kind: z.literal('cancelTasks'), uids: z.array(count) }),
  z.object({ kind: z.literal('deleteTasks'), uids: z.array(count) }),
]);
export type LogOp = z.infer<typeof logOp>;
export type LogOpKind = LogOp['kind'];

export const logHeader = z.object({
  v: z.literal(1),
  /** The task record as enqueued: the reconciler can recreate it from the log alone. */
  task: z.object({
    type: z.string(),
    indexUid: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    enqueuedAt: z.string(),
    /** Set for a task refused at the door: it is failed at once, nothing reaches nodes. */
    error: taskError.optional(),
  }),
  op: logOp,
  /** Catalog change of a `meta` message: the full records after it (null: index deleted). */
  catalog: z
    .object({
      /** Sequence of the previous meta message this one was decided on (0 for none). */
      prevSeq: count,
      records: z.record(z.string(), catalogRecord.nullable()),
      /** Node-side indexes this change ends (index deleted): messages naming them are dropped. */
      dropped: z.array(uid),
      /**
       * Placements of node-side indexes this change creates: the log alone can rebuild them (a
       * store that came back empty), applied only where the store has none.
       */
      placements: z
        .record(
          z.string(),
          z.object({
            shards: z.number().int().min(1),
            groups: z.record(
              z.string(),
              z.array(z.object({ owners: z.array(z.string()), incoming: z.array(z.string()) })),
            ),
          }),
        )
        .optional(),
    })
    .optional(),
  /** W3C traceparent of the append (tracing on): node writers and the reconciler continue it. */
  trace: z.string().max(128).optional(),
  /** The body was staged in the chunk stream under this subject. */
  chunks: z
    .object({ subject: z.string(), count: z.number().int().min(1), bytes: count })
    .optional(),
});
export type LogHeader = z.infer<typeof logHeader>;

const NEWLINE = 0x0a;

/** A message's bytes: the header as one JSON line, then the body. */
export function encodeLogMessage(header: LogHeader, body?: Uint8Array): Buffer {
  const head = Buffer.from(`${JSON.stringify(header)}\n`);
  return body && body.length > 0 ? Buffer.concat([head, body]) : head;
}

export type LogDecoding =
  { ok: true; header: LogHeader; body: Buffer } | { ok: false; error: string };

/** For readers at the edge: a message's header (validated) and its body. */
export function decodeLogMessage(bytes: Uint8Array): LogDecoding {
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const end = buf.indexOf(NEWLINE);
  if (end < 0) return { ok: false, error: 'no header line' };
  let raw: unknown;
  try {
    raw = JSON.parse(buf.subarray(0, end).toString('utf8'));
  } catch (err) {
    return { ok: false, error: `header is not JSON: ${(err as Error).message}` };
  }
  const parsed = logHeader.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; '),
    };
  }
  return { ok: true, header: parsed.data, body: buf.subarray(end + 1) };
}

/** Each document part's body bytes, in header order. */
export function documentPartBodies(
  op: Extract<LogOp, { kind: 'documents' }>,
  body: Buffer,
): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const part of op.parts) {
    out.push(body.subarray(at, at + part.bytes));
    at += part.bytes;
  }
  if (at !== body.length) {
    throw new RangeError(`document parts describe ${at} bytes, the body has ${body.length}`);
  }
  return out;
}
