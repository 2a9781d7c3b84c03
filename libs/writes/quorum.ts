import type { WriteTarget } from '#lib/routing';

export type WriteQuorum = 'one' | 'majority' | 'all';

export interface QuorumOutcome {
  /** Every shard reached quorum in at least one group. */
  accepted: boolean;
  /** Shards that reached quorum in no group (the write must not be acknowledged). */
  unreached: number[];
  /** Node → shards whose copy on that node did not acknowledge (to hand off as hints). */
  missed: Map<string, number[]>;
  /** Groups where some shard copy was missed. */
  degradedGroups: string[];
}

function required(quorum: WriteQuorum, copies: number): number {
  if (quorum === 'all') return copies;
  if (quorum === 'majority') return Math.floor(copies / 2) + 1;
  return Math.min(1, copies);
}

/**
 * Count write acknowledgements per shard and group. A shard is safe when, in at least one group,
 * the acknowledging copies reach the quorum.
 */
export function evaluateQuorum(
  targets: Map<number, WriteTarget[]>,
  acknowledged: (nodeId: string) => boolean,
  quorum: WriteQuorum,
): QuorumOutcome {
  const unreached: number[] = [];
  const missed = new Map<string, number[]>();
  const degradedGroups = new Set<string>();
  for (const [shard, groups] of [...targets].sort(([a], [b]) => a - b)) {
    let safe = false;
    for (const { group, nodes } of groups) {
      const acks = nodes.filter(acknowledged).length;
      if (nodes.length > 0 && acks >= required(quorum, nodes.length)) safe = true;
      for (const node of nodes) {
        if (acknowledged(node)) continue;
        degradedGroups.add(group);
        missed.set(node, [...(missed.get(node) ?? []), shard]);
      }
    }
    if (!safe) unreached.push(shard);
  }
  return {
    accepted: unreached.length === 0,
    unreached,
    missed,
    degradedGroups: [...degradedGroups].sort(),
  };
}

/** `X-Miroir-Degraded` value for a write that missed copies, or undefined when none were missed. */
export function degradedHeader(outcome: QuorumOutcome): string | undefined {
  if (outcome.missed.size === 0) return undefined;
  const shards = [...new Set([...outcome.missed.values()].flat())].sort((a, b) => a - b);
  return `groups=${outcome.degradedGroups.join(',')}; shards=${shards.join(',')}`;
}
