import { compareIds, type Placement } from './topology.js';

export interface CoveringRequest {
  nodeId: string;
  group: string;
  /** Shards this node answers for, ascending. */
  shards: number[];
}

export interface CoveringSet {
  /** One entry per node touched; every coverable shard appears in exactly one entry. */
  requests: CoveringRequest[];
  /** Shards no healthy owner in any group can serve. */
  uncovered: number[];
}

export interface CoveringInput {
  placement: Placement;
  /** Preferred replica group. */
  group: string;
  /** Whether a node may serve reads now (active and not in passive back-off). */
  isHealthy: (nodeId: string) => boolean;
  /** Changes between calls (e.g. a per-process counter) so load rotates over replicas. */
  rotation: number;
}

/**
 * Choose one healthy owner per shard: in the preferred group first, touching few nodes (greedy set
 * cover) and rotating over replicas between calls; shards the group cannot serve fall back to
 * other groups; what nobody can serve is reported as uncovered.
 */
export function coveringSet({ placement, group, isHealthy, rotation }: CoveringInput): CoveringSet {
  const groupOrder = rotate(
    Object.keys(placement.groups)
      .sort(compareIds)
      .filter((g) => g !== group),
    rotation,
  );
  if (placement.groups[group]) groupOrder.unshift(group);

  const chosen = new Map<string, CoveringRequest>();
  let remaining = Array.from({ length: placement.shards }, (_, s) => s);
  for (const g of groupOrder) {
    if (remaining.length === 0) break;
    remaining = coverInGroup(placement.groups[g]!, g, remaining, isHealthy, rotation, chosen);
  }
  const requests = [...chosen.values()];
  for (const r of requests) r.shards.sort((a, b) => a - b);
  return { requests, uncovered: remaining };
}

/** Covers what it can of `shards` inside one group; returns the shards left uncovered. */
function coverInGroup(
  copies: ShardCopiesList,
  group: string,
  shards: number[],
  isHealthy: (nodeId: string) => boolean,
  rotation: number,
  chosen: Map<string, CoveringRequest>,
): number[] {
  // Healthy owners per shard, and the shards each healthy node can serve.
  const holders = new Map<number, string[]>();
  const servable = new Map<string, Set<number>>();
  const left: number[] = [];
  for (const shard of shards) {
    const owners = copies[shard]!.owners.filter(isHealthy);
    if (owners.length === 0) {
      left.push(shard);
      continue;
    }
    holders.set(shard, owners);
    for (const node of owners) {
      let set = servable.get(node);
      if (!set) servable.set(node, (set = new Set()));
      set.add(shard);
    }
  }
  // Rotated node order breaks ties, so equal covers alternate between calls.
  const nodeOrder = rotate([...servable.keys()].sort(compareIds), rotation);
  const rank = new Map(nodeOrder.map((id, i) => [id, i]));

  // Greedy set cover: nodes already chosen (from an earlier group) cost nothing extra, then the
  // node covering most of what is left. The first pick is the rotation's own node, so every
  // replica takes the lead in turn and load spreads across calls.
  const picked: string[] = [];
  const uncovered = new Set(holders.keys());
  while (uncovered.size > 0) {
    let best: string | undefined;
    let bestGain = -1;
    for (const node of nodeOrder) {
      if (picked.length === 0 && chosen.size === 0) {
        best = node;
        break;
      }
      if (picked.includes(node)) continue;
      let gain = 0;
      for (const s of servable.get(node)!) if (uncovered.has(s)) gain++;
      if (chosen.has(node) && gain > 0) gain += holders.size;
      if (gain > bestGain) {
        best = node;
        bestGain = gain;
      }
    }
    picked.push(best!);
    for (const s of servable.get(best!)!) uncovered.delete(s);
  }

  // Assign each shard to the least-loaded picked holder, ties by rotated order.
  const load = new Map(picked.map((n) => [n, chosen.get(n)?.shards.length ?? 0]));
  for (const [shard, owners] of holders) {
    let target: string | undefined;
    for (const node of owners) {
      if (!load.has(node)) continue;
      if (
        target === undefined ||
        load.get(node)! < load.get(target)! ||
        (load.get(node) === load.get(target) && rank.get(node)! < rank.get(target)!)
      ) {
        target = node;
      }
    }
    load.set(target!, load.get(target!)! + 1);
    let request = chosen.get(target!);
    if (!request) chosen.set(target!, (request = { nodeId: target!, group, shards: [] }));
    request.shards.push(shard);
  }
  return left;
}

type ShardCopiesList = Placement['groups'][string];

function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
