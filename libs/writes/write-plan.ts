import {
  routeDocuments,
  SHARD_FIELD,
  shardTag,
  type Placement,
  type WriteTarget,
} from '#lib/routing';
import { assertNoReservedField, documentId } from './document-id.js';

export type Document = Record<string, unknown>;

export interface NodeBatch {
  nodeId: string;
  /** Shards of the documents in this batch, ascending. */
  shards: number[];
  /** The batch as the node receives it: documents stamped with their shard, as one JSON array. */
  body: Buffer;
  documents: number;
}

export interface WritePlan {
  batches: NodeBatch[];
  /** Shard → copies to reach in every group (quorum is counted over these). */
  targets: Map<number, WriteTarget[]>;
  /** Document count as received. */
  received: number;
}

/**
 * Plan a document write: validate every document (primary key present and valid, no reserved
 * field) — the first bad one refuses the whole batch before any node is called — stamp each with
 * `_miroir_shard`, and regroup into one JSON batch per node.
 */
export function planDocumentWrite(
  documents: Document[],
  primaryKey: string,
  placement: Placement,
): WritePlan {
  const ids = documents.map((doc) => {
    assertNoReservedField(doc);
    return documentId(doc, primaryKey);
  });
  const route = routeDocuments(ids, placement);
  // Serialise each document once, splice its shard tag in as the last field (tags are punctuation,
  // nothing to escape; a document has at least its primary key, so `}` closes a non-empty object),
  // and join the strings into every node's batch.
  const tags = Array.from(
    { length: placement.shards },
    (_, s) => `,"${SHARD_FIELD}":"${shardTag(s)}"}`,
  );
  const serialised = documents.map((doc, i) => {
    const json = JSON.stringify(doc);
    return json.slice(0, -1) + tags[route.shards[i]!];
  });
  const batches: NodeBatch[] = [];
  for (const [nodeId, indexes] of route.batches) {
    const shards = [...new Set(indexes.map((i) => route.shards[i]!))].sort((a, b) => a - b);
    const body = Buffer.from(`[${indexes.map((i) => serialised[i]).join(',')}]`);
    batches.push({ nodeId, shards, body, documents: indexes.length });
  }
  return { batches, targets: route.targets, received: documents.length };
}

/** Routed deletes by id: the ids each node must delete (every copy of each id's shard). */
export function planIdsByNode(
  ids: Array<string | number>,
  placement: Placement,
): { byNode: Map<string, Array<string | number>>; targets: Map<number, WriteTarget[]> } {
  const route = routeDocuments(ids, placement);
  const byNode = new Map<string, Array<string | number>>();
  for (const [nodeId, indexes] of route.batches)
    byNode.set(
      nodeId,
      indexes.map((i) => ids[i]!),
    );
  return { byNode, targets: route.targets };
}
