import { compareIds, type Placement } from './topology.js';

/** One shard copy that must be created on `to`, copied from `source`, displacing `from`. */
export interface ShardMove {
  shard: number;
  group: string;
  /** Node that gains the copy. */
  to: string;
  /** Node that loses a copy of this shard in this group (null when the group simply gains one). */
  from: string | null;
  /** Where to copy from: an owner that keeps its copy, else the displaced one; null if none. */
  source: string | null;
}

/** Copies that are only dropped (the group has fewer copies after than before). */
export interface ShardDrop {
  shard: number;
  group: string;
  node: string;
}

export interface PlacementDiff {
  moves: ShardMove[];
  drops: ShardDrop[];
}

/**
 * Which shard copies move where between two placements of the same index (same shard count).
 * Groups present only in `after` are filled from scratch (`from` and `source` null within the group).
 */
export function diffPlacement(before: Placement, after: Placement): PlacementDiff {
  if (before.shards !== after.shards) {
    throw new RangeError(`shard counts differ: ${before.shards} → ${after.shards}`);
  }
  const moves: ShardMove[] = [];
  const drops: ShardDrop[] = [];
  const groups = [...new Set([...Object.keys(before.groups), ...Object.keys(after.groups)])].sort(
    compareIds,
  );
  for (const group of groups) {
    for (let shard = 0; shard < after.shards; shard++) {
      const was = before.groups[group]?.[shard]?.owners ?? [];
      const will = after.groups[group]?.[shard]?.owners ?? [];
      const gained = will.filter((n) => !was.includes(n));
      const lost = was.filter((n) => !will.includes(n));
      const kept = was.filter((n) => will.includes(n));
      gained.forEach((to, i) => {
        const from = lost[i] ?? null;
        moves.push({ shard, group, to, from, source: kept[0] ?? from ?? lost[0] ?? null });
      });
      for (const node of lost.slice(gained.length)) drops.push({ shard, group, node });
    }
  }
  return { moves, drops };
}
