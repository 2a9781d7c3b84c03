import { shardOf } from './hash.js';
import { writeTargets, type WriteTarget } from './placement.js';
import type { Placement } from './topology.js';

export interface DocumentRoute {
  /** `shards[i]` is the shard of document i. */
  shards: number[];
  /** Node id → indexes of the documents that node must receive, in payload order. */
  batches: Map<string, number[]>;
  /** Shard → the copies it must reach, per group (only shards present in the batch). */
  targets: Map<number, WriteTarget[]>;
}

/**
 * Route a batch of documents by primary key: one batch per node, each document sent to every
 * owner and incoming copy of its shard in every group.
 */
export function routeDocuments(
  primaryKeys: ReadonlyArray<string | number>,
  placement: Placement,
): DocumentRoute {
  const shards = new Array<number>(primaryKeys.length);
  const batches = new Map<string, number[]>();
  const targets = new Map<number, WriteTarget[]>();
  // Nodes per shard are the same for every document of that shard: resolve each shard once.
  const nodesOfShard: string[][] = [];
  for (let i = 0; i < primaryKeys.length; i++) {
    const shard = shardOf(primaryKeys[i]!, placement.shards);
    shards[i] = shard;
    let nodes = nodesOfShard[shard];
    if (!nodes) {
      const shardTargets = writeTargets(placement, shard);
      targets.set(shard, shardTargets);
      nodes = [...new Set(shardTargets.flatMap((t) => t.nodes))];
      nodesOfShard[shard] = nodes;
    }
    for (const node of nodes) {
      let batch = batches.get(node);
      if (!batch) batches.set(node, (batch = []));
      batch.push(i);
    }
  }
  return { shards, batches, targets };
}
