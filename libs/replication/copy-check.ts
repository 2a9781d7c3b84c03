import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';

/**
 * The copy checker's comparison (replication.md): every copy of a shard is listed as document id →
 * version (the log position of its last write, R8); copies agree when they hold the same pairs.
 * Counts alone would miss a copy holding an older version, so the digest covers both.
 */

/** One copy of one shard: document id → version (and → content digest, when compared whole). */
export interface CopyListing {
  nodeId: string;
  docs: ReadonlyMap<string, number>;
  contents?: ReadonlyMap<string, string>;
}

const canonical = configure({ bigint: true, deterministic: true });

/**
 * A digest of a document's content, whatever order its fields come in (a node keeps the order
 * writes gave them). Vectors are left out: an embedder's output need not be byte-identical.
 */
export function contentDigest(doc: Record<string, unknown>): string {
  const { _vectors: _v, ...fields } = doc;
  return createHash('sha256')
    .update(canonical(fields) ?? '')
    .digest('hex')
    .slice(0, 16);
}

export interface CopySummary {
  nodeId: string;
  count: number;
  /** SHA-256 (first 16 hex digits) of the sorted `id\tversion` lines. */
  digest: string;
}

/** A document the copies disagree on: its version on each copy (null: absent). */
export interface Difference {
  id: string;
  versions: Record<string, number | null>;
  /** Same version everywhere, different content (only when contents are compared). */
  content?: true;
}

export interface ShardComparison {
  copies: CopySummary[];
  differences: Difference[];
}

export function digestOf(docs: ReadonlyMap<string, number>): string {
  const hash = createHash('sha256');
  for (const id of [...docs.keys()].sort()) hash.update(`${id}\t${docs.get(id)}\n`);
  return hash.digest('hex').slice(0, 16);
}

export function compareCopies(listings: readonly CopyListing[]): ShardComparison {
  const copies = listings.map((l) => ({
    nodeId: l.nodeId,
    count: l.docs.size,
    digest: digestOf(l.docs),
  }));
  const ids = new Set<string>();
  for (const l of listings) for (const id of l.docs.keys()) ids.add(id);
  const differences: Difference[] = [];
  for (const id of [...ids].sort()) {
    const versions = Object.fromEntries(listings.map((l) => [l.nodeId, l.docs.get(id) ?? null]));
    const distinct = new Set(Object.values(versions));
    if (distinct.size > 1) differences.push({ id, versions });
    else if (listings.every((l) => l.contents)) {
      const contents = new Set(listings.map((l) => l.contents!.get(id)));
      if (contents.size > 1) differences.push({ id, versions, content: true });
    }
  }
  return { copies, differences };
}

/** What the log says last happened to a document after a version (see `lastWriteAfter`). */
export type LogFate =
  | { kind: 'none' }
  | { kind: 'deleted'; seq: number }
  | { kind: 'written'; seq: number; text: string; method: 'replace' | 'update' };

/** What a copy must be made to hold for one document. */
export type RepairAction =
  | { kind: 'put'; id: string; version: number; nodes: string[] }
  | { kind: 'remove'; id: string; version: number; nodes: string[] };

/**
 * How to repair one difference: the newest version any copy holds is right unless the log holds
 * something later for the document (a deletion, or a write no copy has); copies that differ from
 * the right state get it. `fate` is what the log says after the newest version.
 */
export function repairFor(diff: Difference, fate: LogFate): RepairAction {
  const held = Object.values(diff.versions).filter((v): v is number => v !== null);
  const newest = held.length ? Math.max(...held) : 0;
  if (fate.kind === 'deleted') {
    const holding = Object.entries(diff.versions)
      .filter(([, v]) => v !== null)
      .map(([n]) => n);
    return { kind: 'remove', id: diff.id, version: fate.seq, nodes: holding.sort() };
  }
  const version = fate.kind === 'written' ? fate.seq : newest;
  const behind = Object.entries(diff.versions)
    .filter(([, v]) => v === null || v < version)
    .map(([n]) => n);
  return { kind: 'put', id: diff.id, version, nodes: behind.sort() };
}

/**
 * How a move repairs its target for one difference: inside a move the source is the authority —
 * both copies applied the log to the same position, and every write reached both — so the target
 * gets the source's version, or loses the document the source no longer holds (a page copied it
 * before a deletion the log may no longer hold). The node writer still applies a put only over an
 * older version and a removal only over one no newer than this, so a later write is never undone.
 */
export function moveRepairFor(
  diff: Difference,
  source: string,
  target: string,
): RepairAction | null {
  const s = diff.versions[source] ?? null;
  const t = diff.versions[target] ?? null;
  // Same version, other content: the target's was created cut down (see `PlacementChange`
  // `filled`); the source's whole document replaces it.
  if (s !== null && s === t && diff.content) {
    return { kind: 'put', id: diff.id, version: s, nodes: [target] };
  }
  if (s === t) return null;
  if (s === null) return { kind: 'remove', id: diff.id, version: t!, nodes: [target] };
  return { kind: 'put', id: diff.id, version: s, nodes: [target] };
}
