import { compareUtf8 } from '#lib/filter';
import type { FieldIndex, FilterIndex } from './filter-index.js';
import type { FacetOrder, Settings } from '#lib/meili-api';
import { getOwn, setOwn } from '#lib/meili-api';

export interface FacetCount {
  /** The value as shown: first-seen string, or a number in shortest form. */
  value: string;
  /** Sort text: the normalised string or the number's decimal text. */
  key: string;
  isNumber: boolean;
  count: number;
}

/** Values of one field counted over the matching documents (zero counts dropped). */
export function countValues(
  index: FieldIndex | undefined,
  matches: Uint8Array,
  stringsOnly = false,
): FacetCount[] {
  if (!index) return [];
  const out: FacetCount[] = [];
  const count = (docs: Set<number>): number => {
    let n = 0;
    for (const d of docs) if (matches[d]) n++;
    return n;
  };
  if (!stringsOnly) {
    for (const [num, docs] of index.numbers) {
      const n = count(docs);
      if (n > 0) out.push({ value: String(num), key: String(num), isNumber: true, count: n });
    }
    for (const [key, docs] of index.booleans) {
      const n = count(docs);
      if (n > 0) out.push({ value: key, key, isNumber: false, count: n });
    }
  }
  for (const [key, { shown, docs }] of index.strings) {
    const n = count(docs);
    if (n > 0) out.push({ value: shown, key, isNumber: false, count: n });
  }
  return out;
}

/** `alpha`: numbers (by decimal text) then strings (normalised); `count`: most first, ties alpha. */
export function orderFacets(values: FacetCount[], order: FacetOrder): FacetCount[] {
  const alpha = (a: FacetCount, b: FacetCount) =>
    a.isNumber !== b.isNumber ? (a.isNumber ? -1 : 1) : compareUtf8(a.key, b.key);
  return [...values].sort(order === 'count' ? (a, b) => b.count - a.count || alpha(a, b) : alpha);
}

export function facetOrder(settings: Settings, field: string): FacetOrder {
  const by = settings.faceting.sortFacetValuesBy;
  return by[field] ?? by['*'] ?? 'alpha';
}

/** `facetDistribution` and `facetStats` over all matches (emulator.md §2.6). */
export function facetDistribution(
  fields: string[],
  filters: FilterIndex,
  settings: Settings,
  matches: Uint8Array,
): {
  facetDistribution: Record<string, Record<string, number>>;
  facetStats: Record<string, { min: number; max: number }>;
} {
  const facetDistribution: Record<string, Record<string, number>> = {};
  const facetStats: Record<string, { min: number; max: number }> = {};
  for (const field of fields) {
    const index = filters.field(field);
    const values = orderFacets(countValues(index, matches), facetOrder(settings, field)).slice(
      0,
      settings.faceting.maxValuesPerFacet,
    );
    const dist: Record<string, number> = {};
    for (const v of values) setOwn(dist, v.value, (getOwn(dist, v.value) ?? 0) + v.count);
    setOwn(facetDistribution, field, dist);
    let min = Infinity;
    let max = -Infinity;
    for (const [num, docs] of index?.numbers ?? []) {
      if (num >= min && num <= max) continue;
      for (const d of docs) {
        if (!matches[d]) continue;
        min = Math.min(min, num);
        max = Math.max(max, num);
        break;
      }
    }
    if (min <= max) setOwn(facetStats, field, { min, max });
  }
  return { facetDistribution, facetStats };
}
