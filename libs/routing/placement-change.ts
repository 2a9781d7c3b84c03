import type { Placement, ShardCopies } from './topology.js';

/**
 * One step of a shard move (operations.md), written to the log so that every node writer applies it
 * at the same position, and committed to the store for readers:
 * - `incoming`: `node` starts receiving the shard's writes from this log position (an empty copy
 *   being filled; partial updates reach it guarded: only documents it already holds change);
 * - `filled`: the copy holds every document (a verify found it equal to its source): from here on
 *   partial updates reach it whole, so one creating a document creates it there too;
 * - `cutover`: `node` becomes an owner and `displaced` (if any) an outgoing copy — written, unread;
 * - `reinstate`: an outgoing `node` owns again (a move given up after its cut-over, its target gone:
 *   the displaced copy was written all along);
 * - `release`: `node` stops holding the copy (outgoing after a cut-over, or incoming when a move is
 *   abandoned) and its writer deletes the shard from it. An owner is never released: a release
 *   that reaches a copy cut over meanwhile (a move canceled after appending its cut-over) does
 *   nothing, so a copy serving reads is never deleted.
 */
export interface PlacementChange {
  shard: number;
  group: string;
  step: 'incoming' | 'filled' | 'cutover' | 'reinstate' | 'release';
  node: string;
  displaced?: string | null;
}

const without = (list: readonly string[] | undefined, node: string | null | undefined) =>
  (list ?? []).filter((n) => n !== node);

/**
 * The placement after `change`, applied at log position `seq`. A shard's copies remember the
 * position of the last step applied to them (`at`), so a step applied again, or late (after a
 * later step of a later move of the same shard), changes nothing: the store can be brought up to a
 * position by every writer that passes it, in any order.
 */
export function applyPlacementChange(
  placement: Placement,
  change: PlacementChange,
  seq: number,
): Placement {
  const copies = placement.groups[change.group];
  const c = copies?.[change.shard];
  if (!copies || !c || (c.at ?? 0) >= seq) return placement;
  const next: ShardCopies = {
    owners: [...c.owners],
    incoming: [...c.incoming],
    outgoing: [...(c.outgoing ?? [])],
    filled: [...(c.filled ?? [])],
    since: { ...(c.since ?? {}) },
    at: seq,
  };
  const { node } = change;
  switch (change.step) {
    case 'incoming':
      if (!next.owners.includes(node) && !next.incoming.includes(node)) {
        next.incoming.push(node);
        next.outgoing = without(next.outgoing, node);
        next.filled = without(next.filled, node);
        next.since![node] = seq;
      }
      break;
    case 'filled':
      if (next.incoming.includes(node) && !next.filled!.includes(node)) next.filled!.push(node);
      break;
    case 'cutover':
      // Only a copy being filled can take over (a move canceled meanwhile released it).
      if (!next.incoming.includes(node)) break;
      next.incoming = without(next.incoming, node);
      next.filled = without(next.filled, node);
      if (!next.owners.includes(node)) next.owners.push(node);
      if (change.displaced && next.owners.includes(change.displaced)) {
        next.owners = without(next.owners, change.displaced);
        if (!next.outgoing!.includes(change.displaced)) next.outgoing!.push(change.displaced);
      }
      break;
    case 'reinstate':
      if (!next.outgoing!.includes(node)) break;
      next.outgoing = without(next.outgoing, node);
      next.owners.push(node);
      break;
    case 'release':
      if (next.owners.includes(node)) break;
      next.incoming = without(next.incoming, node);
      next.outgoing = without(next.outgoing, node);
      next.filled = without(next.filled, node);
      delete next.since![node];
      break;
  }
  if (next.outgoing!.length === 0) delete next.outgoing;
  if (next.filled!.length === 0) delete next.filled;
  if (Object.keys(next.since!).length === 0) delete next.since;
  const groupCopies = [...copies];
  groupCopies[change.shard] = next;
  return { ...placement, groups: { ...placement.groups, [change.group]: groupCopies } };
}

/** Whether `node` holds a copy of `shard` (owner, incoming or outgoing, in any group) at log position `seq`. */
export function holdsCopy(placement: Placement, node: string, shard: number, seq: number): boolean {
  for (const copies of Object.values(placement.groups)) {
    const c = copies[shard];
    if (!c) continue;
    const listed =
      c.owners.includes(node) || c.incoming.includes(node) || !!c.outgoing?.includes(node);
    if (listed && (c.since?.[node] ?? 0) <= seq) return true;
  }
  return false;
}

/**
 * Whether `node`'s copy of `shard` is still being filled by a move: incoming and not yet `filled`,
 * in every group it is listed in.
 */
export function isFilling(placement: Placement, node: string, shard: number): boolean {
  let filling = false;
  for (const copies of Object.values(placement.groups)) {
    const c = copies[shard];
    if (!c) continue;
    if (c.owners.includes(node) || c.outgoing?.includes(node) || c.filled?.includes(node)) {
      return false;
    }
    if (c.incoming.includes(node)) filling = true;
  }
  return filling;
}

/** Whether `node` holds any copy of the index at log position `seq`. */
export function holdsAnyCopy(placement: Placement, node: string, seq: number): boolean {
  for (let shard = 0; shard < placement.shards; shard++) {
    if (holdsCopy(placement, node, shard, seq)) return true;
  }
  return false;
}

/** Every node listed anywhere in the placement (owner, incoming or outgoing). */
export function nodesOfPlacement(placement: Placement): Set<string> {
  const nodes = new Set<string>();
  for (const copies of Object.values(placement.groups)) {
    for (const c of copies) {
      for (const n of [...c.owners, ...c.incoming, ...(c.outgoing ?? [])]) nodes.add(n);
    }
  }
  return nodes;
}

/** The placement with `node` holding no copy at all (a stale copy handed back to be rebuilt). */
export function withoutNode(placement: Placement, node: string): Placement {
  const groups: Record<string, ShardCopies[]> = {};
  for (const [group, copies] of Object.entries(placement.groups)) {
    groups[group] = copies.map((c) => {
      const next: ShardCopies = {
        owners: without(c.owners, node),
        incoming: without(c.incoming, node),
        ...(c.at !== undefined ? { at: c.at } : {}),
      };
      const outgoing = without(c.outgoing, node);
      if (outgoing.length) next.outgoing = outgoing;
      const filled = without(c.filled, node);
      if (filled.length) next.filled = filled;
      const since = Object.fromEntries(Object.entries(c.since ?? {}).filter(([n]) => n !== node));
      if (Object.keys(since).length) next.since = since;
      return next;
    });
  }
  return { ...placement, groups };
}

/** One copy of one shard as a placement lists it. */
export interface ListedCopy {
  shard: number;
  group: string;
  node: string;
  /** `owner`: read and written; `incoming`: being filled by a move; `outgoing`: written, unread, until released. */
  role: 'owner' | 'incoming' | 'outgoing';
}

/** Every copy a placement lists, by shard, then group, then node. */
export function listedCopies(placement: Placement): ListedCopy[] {
  const copies: ListedCopy[] = [];
  for (let shard = 0; shard < placement.shards; shard++) {
    for (const group of Object.keys(placement.groups).sort()) {
      const c = placement.groups[group]![shard];
      if (!c) continue;
      const roles: [ListedCopy['role'], readonly string[]][] = [
        ['owner', c.owners],
        ['incoming', c.incoming],
        ['outgoing', c.outgoing ?? []],
      ];
      for (const [role, nodes] of roles) {
        for (const node of [...nodes].sort()) copies.push({ shard, group, node, role });
      }
    }
  }
  return copies;
}
