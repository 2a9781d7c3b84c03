import { score } from './hash.js';
import {
  compareIds,
  groupsOf,
  isPlacementCandidate,
  type Placement,
  type ShardCopies,
  type Topology,
} from './topology.js';

/**
 * HRW target of one shard: the `rf` node ids with the highest score, ties by id ascending;
 * all of them when there are fewer than `rf`.
 */
export function targetNodes(shard: number, nodeIds: readonly string[], rf: number): string[] {
  return nodeIds
    .map((id) => ({ id, score: score(shard, id) }))
    .sort((a, b) => (a.score === b.score ? compareIds(a.id, b.id) : a.score > b.score ? -1 : 1))
    .slice(0, rf)
    .map((n) => n.id);
}

/** The HRW target placement of an index with `shards` shards over every group of the topology. */
export function targetPlacement(topology: Topology, shards: number): Placement {
  const groups: Record<string, ShardCopies[]> = {};
  for (const group of groupsOf(topology)) {
    const candidates = topology.nodes
      .filter((n) => n.group === group && isPlacementCandidate(n))
      .map((n) => n.id);
    groups[group] = Array.from({ length: shards }, (_, shard) => ({
      owners: targetNodes(shard, candidates, topology.replicationFactor),
      incoming: [],
    }));
  }
  return { shards, epoch: topology.epoch, groups };
}

export interface WriteTarget {
  group: string;
  /** Owners ∪ incoming ∪ outgoing copies of the shard in that group. */
  nodes: string[];
}

/** Every copy a write to `shard` must reach: owners, incoming and outgoing copies, in every group. */
export function writeTargets(placement: Placement, shard: number): WriteTarget[] {
  return Object.entries(placement.groups).map(([group, copies]) => {
    const { owners, incoming, outgoing = [] } = copies[shard]!;
    const extra = incoming.length + outgoing.length;
    return { group, nodes: extra ? [...new Set([...owners, ...incoming, ...outgoing])] : owners };
  });
}
