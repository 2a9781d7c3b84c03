import { normalizeValue } from '#lib/filter';
import type { FacetDistribution, FacetStats } from '#lib/node-client';
import { compareUtf8 } from '#lib/filter';
import { isNumericKey } from './text-order.js';

export type FacetOrder = 'alpha' | 'count';

export interface FacetCount {
  value: string;
  count: number;
}

export const RESERVED_PREFIX = '_miroir_';

/**
 * Sums counts per attribute and value over node replies. Values that normalise alike (`Red`,
 * `red`) are one facet value to Meilisearch; across shards each node shows its own first-seen
 * spelling, so the byte-smallest spelling is kept, deterministic whichever nodes answered.
 * Reserved `_miroir_*` attributes (nodes see `_miroir_shard` as filterable) never come out.
 */
export function sumFacetDistributions(
  distributions: readonly (FacetDistribution | undefined)[],
): Map<string, FacetCount[]> {
  const byAttr = new Map<string, Map<string, FacetCount>>();
  for (const dist of distributions) {
    if (!dist) continue;
    for (const [attr, values] of Object.entries(dist)) {
      if (attr.startsWith(RESERVED_PREFIX)) continue;
      let acc = byAttr.get(attr);
      if (!acc) byAttr.set(attr, (acc = new Map()));
      for (const [value, count] of Object.entries(values)) {
        const key = isNumericKey(value) ? value : normalizeValue(value);
        const seen = acc.get(key);
        if (!seen) acc.set(key, { value, count });
        else {
          seen.count += count;
          if (compareUtf8(value, seen.value) < 0) seen.value = value;
        }
      }
    }
  }
  return new Map([...byAttr].map(([attr, acc]) => [attr, [...acc.values()]]));
}

/**
 * Orders and truncates one attribute's values as one node would (milli facet_distribution.rs):
 * numbers always before strings, `maxValuesPerFacet` over both. `alpha`: strings by normalised text
 * in byte order; numbers by their text (`10` before `9`) when the search had 3,000 candidates or
 * fewer (the linear scan's `BTreeMap<String>`), by value above (the facet tree walk). `count`: each
 * block by count descending on its own, ties in alpha order. Facet search (strings only) uses the
 * same string order.
 */
export function orderFacetValues(
  values: FacetCount[],
  order: FacetOrder,
  max: number,
  candidates = 0,
): FacetCount[] {
  const keyed = values.map((v) => ({
    v,
    isNumber: isNumericKey(v.value),
    num: Number(v.value),
    text: normalizeValue(v.value),
  }));
  const numeric = candidates > LINEAR_SCAN_CANDIDATES;
  const alpha = (a: (typeof keyed)[number], b: (typeof keyed)[number]) => {
    if (a.isNumber !== b.isNumber) return a.isNumber ? -1 : 1;
    if (a.isNumber) return numeric ? a.num - b.num : compareUtf8(a.v.value, b.v.value);
    return compareUtf8(a.text, b.text) || compareUtf8(a.v.value, b.v.value);
  };
  const byCount = (a: (typeof keyed)[number], b: (typeof keyed)[number]) =>
    a.isNumber !== b.isNumber ? (a.isNumber ? -1 : 1) : b.v.count - a.v.count || alpha(a, b);
  keyed.sort(order === 'count' ? byCount : alpha);
  return keyed.slice(0, Math.max(0, max)).map((k) => k.v);
}

/** milli `LINEAR_SCAN_CANDIDATES_THRESHOLD`: above it, facet values come from the facet tree. */
const LINEAR_SCAN_CANDIDATES = 3000;

export function facetOrderFor(
  attr: string,
  sortFacetValuesBy: Record<string, FacetOrder>,
): FacetOrder {
  return sortFacetValuesBy[attr] ?? sortFacetValuesBy['*'] ?? 'alpha';
}

/** Summed, ordered and truncated distribution (attributes in the order first seen). */
export function mergeFacetDistributions(
  distributions: readonly (FacetDistribution | undefined)[],
  maxValuesPerFacet: number,
  sortFacetValuesBy: Record<string, FacetOrder>,
  candidates = 0,
): FacetDistribution {
  const out: FacetDistribution = {};
  for (const [attr, values] of sumFacetDistributions(distributions)) {
    const ordered = orderFacetValues(
      values,
      facetOrderFor(attr, sortFacetValuesBy),
      maxValuesPerFacet,
      candidates,
    );
    out[attr] = Object.fromEntries(ordered.map((v) => [v.value, v.count]));
  }
  return out;
}

/** Min of mins, max of maxes; reserved attributes dropped. */
export function mergeFacetStats(stats: readonly (FacetStats | undefined)[]): FacetStats {
  const out: FacetStats = {};
  for (const s of stats) {
    if (!s) continue;
    for (const [attr, { min, max }] of Object.entries(s)) {
      if (attr.startsWith(RESERVED_PREFIX)) continue;
      const cur = out[attr];
      out[attr] = cur ? { min: Math.min(cur.min, min), max: Math.max(cur.max, max) } : { min, max };
    }
  }
  return out;
}
