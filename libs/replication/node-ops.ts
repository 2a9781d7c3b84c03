import { documentPartBodies, type LogHeader } from '#lib/contracts';
import type { NodeWrite } from '#lib/node-client';
import {
  holdsAnyCopy,
  holdsCopy,
  applyPlacementChange,
  isFilling,
  SHARD_FIELD,
  shardFilter,
  shardTag,
  VERSION_FIELD,
  versionTag,
  type Placement,
} from '#lib/routing';

/**
 * What one node must do for one log message, as plain data (replication.md, node writers): a node
 * write, or nothing. The writer coalesces consecutive document ops of one index.
 */
export type NodeOp =
  | { kind: 'none'; reason: 'nothing-for-nodes' | 'no-shard-here' | 'index-deleted' }
  /** Put documents back and remove others, each only where the copy holds nothing newer. */
  | {
      kind: 'repair';
      nodeUid: string;
      primaryKey: string;
      ndjson: string;
      removals: { id: string; version: number }[];
      /** Its documents also replace a copy holding the same version (see the log's `overEqual`). */
      overEqual: boolean;
    }
  /**
   * A partial update reaching copies still being filled by a move: `ndjson` applies as it is, and
   * `guarded` only to the documents the copy already holds — on a missing one it would create a
   * cut-down document with the same version as the source's whole one, which the copy would then
   * never replace. The copy brings the others, whole.
   */
  | {
      kind: 'guardedUpdate';
      nodeUid: string;
      primaryKey: string;
      ndjson: string;
      guarded: string;
      count: number;
    }
  | Exclude<NodeWrite, { kind: 'documents' }>
  | (Extract<NodeWrite, { kind: 'documents' }> & { count: number });

export interface NodeContext {
  nodeId: string;
  /** The placement table of a node-side index (null: unknown to this writer). */
  placement(nodeUid: string): Placement | null;
  /** Whether the node-side index was deleted (its later messages are dropped). */
  deleted(nodeUid: string): boolean;
  /** The index's settings as nodes hold them (a node gaining its first copy starts with them). */
  nodeSettings(nodeUid: string): Record<string, unknown> | null;
}

/**
 * Stamps every document of a part with its shard and version: each line ends with the object's
 * closing brace (documents are one line each), so the fields go just before it.
 */
export function stampPart(part: string, shard: number, seq: number): string {
  const stamp = `,"${SHARD_FIELD}":"${shardTag(shard)}","${VERSION_FIELD}":"${versionTag(seq)}"}\n`;
  return part.replaceAll('}\n', stamp);
}

/** What one node does for the message at `seq`, in order (an index creation first, when a write creates it). */
export function nodeOpsFor(
  header: LogHeader,
  body: Buffer,
  seq: number,
  ctx: NodeContext,
): NodeOp[] {
  const op = header.op;
  const main = nodeOpFor(header, body, seq, ctx);
  if (op.kind === 'documents' && op.create) {
    return [{ kind: 'createIndex', nodeUid: op.index.nodeUid, settings: op.create }, main];
  }
  return [main];
}

function nodeOpFor(header: LogHeader, body: Buffer, seq: number, ctx: NodeContext): NodeOp {
  const op = header.op;
  switch (op.kind) {
    case 'none':
    case 'cancelTasks':
    case 'deleteTasks':
      return { kind: 'none', reason: 'nothing-for-nodes' };
    case 'placement':
      return placementOp(op, seq, ctx);
    case 'deleteIndex':
      return { kind: 'deleteIndex', nodeUid: op.index.nodeUid };
    case 'createIndex':
      return { kind: 'createIndex', nodeUid: op.index.nodeUid, settings: op.settings };
    case 'repair': {
      if (ctx.deleted(op.index.nodeUid)) return { kind: 'none', reason: 'index-deleted' };
      let at = 0;
      for (const part of op.nodes) {
        if (part.nodeId === ctx.nodeId) {
          return {
            kind: 'repair',
            nodeUid: op.index.nodeUid,
            primaryKey: op.primaryKey,
            ndjson: body.subarray(at, at + part.bytes).toString('utf8'),
            removals: part.removals,
            overEqual: op.overEqual === true,
          };
        }
        at += part.bytes;
      }
      return { kind: 'none', reason: 'no-shard-here' };
    }
  }
  const nodeUid = op.index.nodeUid;
  if (ctx.deleted(nodeUid)) return { kind: 'none', reason: 'index-deleted' };
  const placement = ctx.placement(nodeUid);
  // A node that holds no copy of the index here (it joined later, or gave its copies away) has no
  // index to change: it gets the index, with its settings, with its first copy.
  if (placement && !holdsAnyCopy(placement, ctx.nodeId, seq)) {
    return { kind: 'none', reason: 'no-shard-here' };
  }
  switch (op.kind) {
    case 'settings':
      return { kind: 'settings', nodeUid, patch: op.patch };
    case 'deleteFilter':
      return { kind: 'deleteFilter', nodeUid, filter: op.filter };
    case 'deleteAll':
      return { kind: 'deleteAll', nodeUid };
  }
  if (!placement) throw new Error(`no placement for node index ${nodeUid} (message ${seq})`);
  if (op.kind === 'deleteIds') {
    const ids = op.parts
      .filter((p) => holdsCopy(placement, ctx.nodeId, p.shard, seq))
      .flatMap((p) => p.ids);
    return ids.length
      ? { kind: 'deleteIds', nodeUid, ids }
      : { kind: 'none', reason: 'no-shard-here' };
  }
  const bodies = documentPartBodies(op, body);
  let ndjson = '';
  let guarded = '';
  let count = 0;
  op.parts.forEach((part, i) => {
    if (!holdsCopy(placement, ctx.nodeId, part.shard, seq)) return;
    const stamped = stampPart(bodies[i]!.toString('utf8'), part.shard, seq);
    if (op.method === 'update' && isFilling(placement, ctx.nodeId, part.shard)) guarded += stamped;
    else ndjson += stamped;
    count += part.count;
  });
  if (count === 0) return { kind: 'none', reason: 'no-shard-here' };
  if (guarded) {
    return { kind: 'guardedUpdate', nodeUid, primaryKey: op.primaryKey, ndjson, guarded, count };
  }
  return {
    kind: 'documents',
    nodeUid,
    method: op.method,
    primaryKey: op.primaryKey,
    ndjson,
    count,
  };
}

/**
 * A shard move's step on this node: the gaining node creates the index (with the settings nodes
 * hold) when it is its first copy of the index; a released node deletes the shard's documents
 * unless it still holds the shard after the release (an owner is never released, see
 * `PlacementChange`) — a writer that starts after the release reads a placement that no longer
 * lists it, and deletes too.
 */
function placementOp(
  op: Extract<LogHeader['op'], { kind: 'placement' }>,
  seq: number,
  ctx: NodeContext,
): NodeOp {
  const { change } = op;
  const nodeUid = op.index.nodeUid;
  if (change.node !== ctx.nodeId || ctx.deleted(nodeUid)) {
    return { kind: 'none', reason: 'no-shard-here' };
  }
  const placement = ctx.placement(nodeUid);
  if (change.step === 'release') {
    const after = placement && applyPlacementChange(placement, change, seq);
    if (after && holdsCopy(after, ctx.nodeId, change.shard, seq)) {
      return { kind: 'none', reason: 'nothing-for-nodes' };
    }
    return { kind: 'deleteFilter', nodeUid, filter: shardFilter([change.shard]) };
  }
  const settings = ctx.nodeSettings(nodeUid);
  const heldBefore = placement !== null && holdsAnyCopy(placement, ctx.nodeId, seq - 1);
  if (change.step === 'incoming' && settings && !heldBefore) {
    return { kind: 'createIndex', nodeUid, settings };
  }
  return { kind: 'none', reason: 'nothing-for-nodes' };
}

/** A log message's op on this node, tagged with where it came from. */
export interface PlannedOp {
  seq: number;
  taskUid: number;
  op: NodeOp;
}

/** One request to send (or none, when every op needs nothing): consecutive ops of the log. */
export interface NodeBatch {
  ops: PlannedOp[];
  fromSeq: number;
  toSeq: number;
}

/** The op that decides a batch's request: its first one that needs the node. */
export function requestOp(batch: NodeBatch): Exclude<NodeOp, { kind: 'none' }> | null {
  for (const { op } of batch.ops) if (op.kind !== 'none') return op;
  return null;
}

/**
 * Groups consecutive ops into node requests: document ops of one index, method and primary key
 * join one NDJSON batch (Meilisearch applies a batch in order, so the log's order holds inside
 * it) up to `maxBytes`, and so do consecutive guarded updates of one index (the writer decides
 * their lines together); every other op is a request of its own; ops that need nothing ride along
 * with their neighbours.
 */
export function coalesce(ops: readonly PlannedOp[], maxBytes: number): NodeBatch[] {
  const batches: NodeBatch[] = [];
  let current: NodeBatch | null = null;
  let bytes = 0;
  for (const planned of ops) {
    const op = planned.op;
    const head = current ? requestOp(current) : null;
    const size = sizeOf(op);
    const joins =
      current !== null &&
      (op.kind === 'none' ||
        head === null ||
        (((op.kind === 'documents' && head.kind === 'documents') ||
          (op.kind === 'guardedUpdate' && head.kind === 'guardedUpdate')) &&
          sameTarget(head, op) &&
          bytes + size <= maxBytes));
    if (joins) {
      current!.ops.push(planned);
      current!.toSeq = planned.seq;
      bytes += size;
      continue;
    }
    current = { ops: [planned], fromSeq: planned.seq, toSeq: planned.seq };
    bytes = size;
    batches.push(current);
  }
  return batches;
}

/** Bytes a document op adds to a request (guarded lines included: they may all be sent). */
function sizeOf(op: NodeOp): number {
  if (op.kind === 'documents') return op.ndjson.length;
  if (op.kind === 'guardedUpdate') return op.ndjson.length + op.guarded.length;
  return 0;
}

type DocumentOp = Extract<NodeOp, { kind: 'documents' | 'guardedUpdate' }>;

function sameTarget(a: DocumentOp, b: DocumentOp): boolean {
  const method = (op: DocumentOp) => (op.kind === 'guardedUpdate' ? 'update' : op.method);
  return a.nodeUid === b.nodeUid && method(a) === method(b) && a.primaryKey === b.primaryKey;
}

/** The request a batch sends: its document ops' NDJSON joined, or its one other op; null if none. */
export function batchWrite(batch: NodeBatch): NodeWrite | null {
  const head = requestOp(batch);
  // Repairs and guarded updates decide their request from what the node holds (the writer's part).
  if (!head || head.kind === 'repair' || head.kind === 'guardedUpdate') return null;
  if (head.kind !== 'documents') return head;
  let ndjson = '';
  for (const { op } of batch.ops) if (op.kind === 'documents') ndjson += op.ndjson;
  return {
    kind: 'documents',
    nodeUid: head.nodeUid,
    method: head.method,
    primaryKey: head.primaryKey,
    ndjson,
  };
}
