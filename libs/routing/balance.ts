import { targetNodes, targetPlacement } from './placement.js';
import {
  compareIds,
  groupsOf,
  isPlacementCandidate,
  type Placement,
  type ShardCopies,
  type Topology,
} from './topology.js';

/**
 * An even spread of one group's copies reached with the fewest moves (pure). Rendezvous hashing
 * alone leaves each node about √n copies off the even share, and when a node joins it moves that
 * much more than needed. This keeps every copy where it is unless its node leaves, gives a shard
 * the copies it lacks, then moves copies from nodes above the even share (its ceiling) to nodes
 * below it (its floor), one at a time, each time taking the copy the receiving node ranks highest
 * in HRW order. On a spread that is already even it changes nothing, so planning again after the
 * moves plans nothing.
 *
 * `owners[shard]` are the shard's owners now; returns the owners to reach.
 */
export function balanceGroup(
  owners: readonly (readonly string[])[],
  candidates: readonly string[],
  replicationFactor: number,
): string[][] {
  const n = candidates.length;
  if (n === 0) return owners.map(() => []);
  const rf = Math.min(replicationFactor, n);
  const order = owners.map((_, shard) => targetNodes(shard, candidates, n));
  const rank = (shard: number, node: string) => order[shard]!.indexOf(node);
  const isCandidate = new Set(candidates);
  const out = owners.map((list, shard) =>
    [...new Set(list)]
      .filter((id) => isCandidate.has(id))
      .sort((a, b) => rank(shard, a) - rank(shard, b))
      .slice(0, rf),
  );
  const load = new Map(candidates.map((id) => [id, 0]));
  for (const list of out) for (const id of list) load.set(id, load.get(id)! + 1);
  const total = owners.length * rf;
  const floor = Math.floor(total / n);
  const ceiling = Math.ceil(total / n);
  const move = (shard: number, from: string | null, to: string) => {
    if (from !== null) {
      out[shard] = out[shard]!.filter((id) => id !== from);
      load.set(from, load.get(from)! - 1);
    }
    out[shard]!.push(to);
    load.set(to, load.get(to)! + 1);
  };
  const byLoad = (a: string, b: string) => load.get(a)! - load.get(b)! || compareIds(a, b);

  // Copies shards lack (their node left, or a new index): the shard with the fewest nodes able to
  // take a copy goes first, to the emptiest of them (then the best-ranked).
  for (;;) {
    let pick: { shard: number; options: string[] } | null = null;
    out.forEach((list, shard) => {
      if (list.length >= rf) return;
      const free = candidates.filter((id) => !list.includes(id));
      const options = free.filter((id) => load.get(id)! < ceiling);
      const usable = options.length ? options : free;
      if (!pick || usable.length < pick.options.length) pick = { shard, options: usable };
    });
    if (!pick) break;
    const { shard, options } = pick as { shard: number; options: string[] };
    const to = [...options].sort(
      (a, b) => load.get(a)! - load.get(b)! || rank(shard, a) - rank(shard, b),
    )[0]!;
    move(shard, null, to);
  }
  // Nodes above the ceiling give copies to the emptiest nodes below it.
  for (;;) {
    const from = [...candidates].sort((a, b) => byLoad(b, a))[0]!;
    if (load.get(from)! <= ceiling) break;
    const best = cheapest(out, (shard, list) =>
      list.includes(from)
        ? candidates
            .filter((to) => !list.includes(to) && load.get(to)! < ceiling)
            .map((to) => ({ from, to, cost: [load.get(to)!, rank(shard, to)] }))
        : [],
    );
    if (!best) break;
    move(best.shard, best.from, best.to);
  }
  // Nodes below the floor take copies from the fullest nodes above it.
  for (;;) {
    const to = [...candidates].sort(byLoad)[0]!;
    if (load.get(to)! >= floor) break;
    const best = cheapest(out, (shard, list) =>
      list.includes(to)
        ? []
        : list
            .filter((from) => load.get(from)! > floor)
            .map((from) => ({ from, to, cost: [-load.get(from)!, rank(shard, to)] })),
    );
    if (!best) break;
    move(best.shard, best.from, best.to);
  }
  return out;
}

interface Option {
  from: string;
  to: string;
  cost: number[];
}

/** The option of lowest cost over every shard (costs compared in order; ties: the lower shard). */
function cheapest(
  out: string[][],
  options: (shard: number, owners: string[]) => Option[],
): (Option & { shard: number }) | null {
  let best: (Option & { shard: number }) | null = null;
  out.forEach((list, shard) => {
    for (const o of options(shard, list)) {
      if (!best || lessThan(o.cost, best.cost)) best = { ...o, shard };
    }
  });
  return best;
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

/**
 * The owners every group of `placement` should reach over `topology`: each group's owners
 * balanced as `balanceGroup` says (a group the placement lacks starts empty).
 */
export function evenTarget(placement: Placement, topology: Topology): Placement {
  const groups: Record<string, ShardCopies[]> = {};
  for (const group of groupsOf(topology)) {
    const candidates = topology.nodes
      .filter((n) => n.group === group && isPlacementCandidate(n))
      .map((n) => n.id);
    const current = Array.from(
      { length: placement.shards },
      (_, shard) => placement.groups[group]?.[shard]?.owners ?? [],
    );
    groups[group] = balanceGroup(current, candidates, topology.replicationFactor).map((owners) => ({
      owners,
      incoming: [],
    }));
  }
  return { shards: placement.shards, epoch: topology.epoch, groups };
}

/** A new index's placement: rendezvous hashing, evened out (see `balanceGroup`). */
export function balancedPlacement(topology: Topology, shards: number): Placement {
  return evenTarget(targetPlacement(topology, shards), topology);
}
