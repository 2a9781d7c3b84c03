import { evenTarget } from './balance.js';
import {
  compareIds,
  isPlacementCandidate,
  type Placement,
  type ShardCopies,
  type Topology,
} from './topology.js';

/** One copy of one shard to move: copied from `source` onto `target`, displacing `displaced`. */
export interface PlannedMove {
  nodeUid: string;
  shard: number;
  group: string;
  target: string;
  displaced: string | null;
  source: string;
}

export interface RebalancePlan {
  /** Moves to start now (within the concurrency left). */
  moves: PlannedMove[];
  /** Copies that must still move to reach the even placement (startable, or waiting for a source or room); moves in progress are not counted. */
  needed: number;
  /** Moves that wait: no readable copy to copy from, or no room. */
  waiting: number;
}

export interface PlanInput {
  topology: Topology;
  /** By node-side index uid. */
  placements: Record<string, Placement>;
  /** Moves in progress, by `<nodeUid>.<group>.<shard>`: counted as done when planning the others. */
  busy: ReadonlyMap<string, { target: string; displaced: string | null }>;
  /** Whether a node's copy can be copied from now (caught up, node serving). */
  readable: (nodeId: string) => boolean;
  /** Moves that may start now. */
  room: number;
}

export const moveKey = (nodeUid: string, group: string, shard: number) =>
  `${nodeUid}.${group}.${shard}`;

/**
 * The moves from each index's placement to its even target over the current topology (pure,
 * `evenTarget`: copies stay where they are unless their node leaves or holds more than its share):
 * for each shard whose owners differ, one move per gained owner, displacing one lost owner; a
 * shard with a move in progress waits for it, and counts as moved. Sources are owners that keep
 * their copy when one is readable, else the displaced one.
 */
export function planRebalance(input: PlanInput): RebalancePlan {
  const moves: PlannedMove[] = [];
  let needed = 0;
  let waiting = 0;
  const staying = new Set(input.topology.nodes.filter(isPlacementCandidate).map((n) => n.id));
  for (const nodeUid of Object.keys(input.placements).sort(compareIds)) {
    const placement = afterMoves(nodeUid, input.placements[nodeUid]!, input.busy);
    const target = evenTarget(placement, input.topology);
    for (const group of Object.keys(target.groups).sort(compareIds)) {
      const current = placement.groups[group];
      if (!current) continue; // a new group is filled by its own operation
      const wanted: (Omit<PlannedMove, 'source'> & { sources: string[]; forced: boolean })[] = [];
      for (let shard = 0; shard < placement.shards; shard++) {
        const owners = current[shard]?.owners ?? [];
        const want = target.groups[group]![shard]!.owners;
        const gained = want.filter((n) => !owners.includes(n));
        if (gained.length === 0) continue;
        needed += gained.length;
        if (input.busy.has(moveKey(nodeUid, group, shard))) continue;
        const lost = owners.filter((n) => !want.includes(n));
        const kept = owners.filter((n) => want.includes(n));
        // A new group is filled from the other groups' copies.
        const elsewhere = Object.entries(placement.groups)
          .filter(([g]) => g !== group)
          .flatMap(([, c]) => c[shard]?.owners ?? []);
        const displaced = lost[0] ?? null;
        wanted.push({
          nodeUid,
          shard,
          group,
          target: gained[0]!,
          displaced,
          sources: [...kept, ...lost, ...elsewhere],
          // A copy a shard lacks, or one on a leaving node, must move; the others only even out.
          forced: displaced === null || !staying.has(displaced),
        });
      }
      // Evening out waits for the forced moves: planned from the state they leave, it is stable
      // (planned earlier, a later round could undo it).
      const forced = wanted.some((w) => w.forced);
      for (const { sources, forced: isForced, ...move } of wanted) {
        const source = sources.find((n) => input.readable(n));
        // One move per shard at a time: each cut-over changes the owners the next one starts from.
        if (!source || (forced && !isForced) || moves.length >= input.room) {
          waiting++;
          continue;
        }
        moves.push({ ...move, source });
      }
    }
  }
  return { moves, needed, waiting };
}

/** The placement with the moves in progress done. */
function afterMoves(nodeUid: string, placement: Placement, busy: PlanInput['busy']): Placement {
  const groups: Record<string, ShardCopies[]> = {};
  for (const [group, copies] of Object.entries(placement.groups)) {
    groups[group] = copies.map((c, shard) => {
      const move = busy.get(moveKey(nodeUid, group, shard));
      if (!move) return c;
      const owners = c.owners.filter((n) => n !== move.displaced && n !== move.target);
      return { ...c, owners: [...owners, move.target] };
    });
  }
  return { ...placement, groups };
}

/**
 * The fewest copies any rebalance reaching an even spread must move, per index and group: the
 * copies on nodes that leave, or the copies the emptiest nodes lack, whichever is more.
 */
export function minimumMoves(topology: Topology, placements: Record<string, Placement>): number {
  let total = 0;
  for (const placement of Object.values(placements)) {
    for (const [group, copies] of Object.entries(placement.groups)) {
      const members = topology.nodes.filter((n) => n.group === group);
      const candidates = members.filter(isPlacementCandidate).map((n) => n.id);
      if (candidates.length === 0) continue;
      const held = new Map<string, number>();
      let all = 0;
      for (const c of copies) {
        for (const n of c.owners) {
          held.set(n, (held.get(n) ?? 0) + 1);
          all++;
        }
      }
      const leaving = [...held]
        .filter(([n]) => !candidates.includes(n))
        .reduce((a, [, k]) => a + k, 0);
      // A group being filled (a new one) must receive every copy it lacks.
      const copiesWanted =
        placement.shards * Math.min(topology.replicationFactor, candidates.length);
      const share = Math.floor(Math.max(all, copiesWanted) / candidates.length);
      const lacking = candidates.reduce((a, n) => a + Math.max(0, share - (held.get(n) ?? 0)), 0);
      total += Math.max(leaving, lacking);
    }
  }
  return total;
}

/**
 * The first shard of which `nodeId` holds the only copy that can serve (`serving` says which copies
 * can), or null: such a node cannot be removed without losing the shard.
 */
export function lastCopyOn(
  placements: Record<string, Placement>,
  nodeId: string,
  serving: (nodeId: string) => boolean,
): { nodeUid: string; shard: number } | null {
  for (const nodeUid of Object.keys(placements).sort(compareIds)) {
    const p = placements[nodeUid]!;
    for (let shard = 0; shard < p.shards; shard++) {
      const owners = Object.values(p.groups).flatMap((c) => c[shard]?.owners ?? []);
      if (owners.includes(nodeId) && !owners.some((n) => n !== nodeId && serving(n))) {
        return { nodeUid, shard };
      }
    }
  }
  return null;
}
