import type { Hit } from '#lib/node-client';
import { RESERVED_PREFIX } from './facet-merge.js';

export interface CleanupSpec {
  showRankingScore: boolean;
  showRankingScoreDetails: boolean;
  /** Attributes added for merging only (may be dotted paths). */
  addedAttributes: readonly string[];
}

/**
 * The hit as the client asked for it: no `_miroir_*` field (also inside `_formatted`), ranking
 * fields only when requested, attributes Miroir added for merging removed. Builds a new object;
 * node replies are never mutated.
 */
export function cleanHit(hit: Hit, spec: CleanupSpec): Hit {
  const out: Hit = {};
  for (const key in hit) {
    if (key.startsWith(RESERVED_PREFIX)) continue;
    if (key === '_rankingScore' && !spec.showRankingScore) continue;
    if (key === '_rankingScoreDetails' && !spec.showRankingScoreDetails) continue;
    if (key === '_federation') continue;
    out[key] =
      key === '_formatted' ? cleanDocument(hit._formatted!, spec.addedAttributes) : hit[key];
  }
  return spec.addedAttributes.length > 0 ? withoutPaths(out, spec.addedAttributes) : out;
}

function cleanDocument(
  doc: Record<string, unknown>,
  added: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in doc) if (!key.startsWith(RESERVED_PREFIX)) out[key] = doc[key];
  return added.length > 0 ? withoutPaths(out, added) : out;
}

/** Removes dotted paths, copying only the objects on the way, and drops parents left empty. */
function withoutPaths<T extends Record<string, unknown>>(doc: T, paths: readonly string[]): T {
  let out = doc;
  for (const path of paths) out = removePath(out, path.split('.')) as T;
  return out;
}

function removePath(obj: Record<string, unknown>, parts: string[]): Record<string, unknown> {
  const [head, ...rest] = parts;
  if (head === undefined || !(head in obj)) return obj;
  const copy = { ...obj };
  if (rest.length === 0) {
    delete copy[head];
    return copy;
  }
  const child = obj[head];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) return obj;
  const pruned = removePath(child as Record<string, unknown>, rest);
  if (Object.keys(pruned).length === 0) delete copy[head];
  else copy[head] = pruned;
  return copy;
}

/** The value at a dotted path (`brand.name`), or undefined. */
export function valueAtPath(doc: Record<string, unknown>, path: string): unknown {
  if (path in doc) return doc[path];
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
