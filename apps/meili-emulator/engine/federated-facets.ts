import { MeiliError } from '#lib/errors';
import { compareUtf8 } from '#lib/filter';
import { isFilterable } from './filterable.js';
import type { IndexEngine } from './index-engine.js';
import { facetsOf } from './search.js';
import { getOwn, setOwn } from '#lib/meili-api';

type Distribution = Record<string, Record<string, number>>;
type Stats = Record<string, { min: number; max: number }>;

/**
 * `federation.facetsByIndex` (SHOULD) and `mergeFacets` (MAY): facets of each index over the
 * matches of that index's queries; merged, counts add up and stats widen.
 */
export function federatedFacets(
  facetsByIndex: Record<string, unknown>,
  matchesByIndex: Map<string, Uint8Array>,
  resolve: (uid: string) => IndexEngine,
  mergeFacets: { maxValuesPerFacet?: number } | undefined,
): Record<string, unknown> {
  const byIndex: Record<string, { distribution: Distribution; stats: Stats }> = {};
  for (const [uid, facets] of Object.entries(facetsByIndex)) {
    if (facets === null) continue;
    const fail = (message: string, code = 'invalid_multi_search_facets_by_index'): never => {
      throw new MeiliError(code, `Inside \`.federation.facetsByIndex.${uid}\`: ${message}`);
    };
    if (!Array.isArray(facets) || !facets.every((f) => typeof f === 'string')) {
      fail('expected an array of strings');
    }
    const matches = matchesByIndex.get(uid);
    if (!matches) fail(`Index \`${uid}\` is not used in queries.`);
    const engine = resolve(uid);
    for (const f of facets as string[]) {
      if (f !== '*' && !isFilterable(engine.settings.filterableAttributes, f)) {
        fail(
          `Invalid facet distribution: Attribute \`${f}\` is not filterable.`,
          'invalid_multi_search_facets',
        );
      }
    }
    const { facetDistribution, facetStats } = facetsOf(engine, facets as string[], matches!);
    setOwn(byIndex, uid, { distribution: facetDistribution, stats: facetStats });
  }
  if (!mergeFacets) return { facetsByIndex: byIndex };
  return merge(Object.values(byIndex), mergeFacets.maxValuesPerFacet);
}

function merge(
  parts: Array<{ distribution: Distribution; stats: Stats }>,
  maxValuesPerFacet: number | undefined,
): { facetDistribution: Distribution; facetStats: Stats } {
  const facetDistribution: Distribution = {};
  const facetStats: Stats = {};
  for (const { distribution, stats } of parts) {
    for (const [field, values] of Object.entries(distribution)) {
      if (!getOwn(facetDistribution, field)) setOwn(facetDistribution, field, {});
      const into = getOwn(facetDistribution, field)!;
      for (const [value, count] of Object.entries(values))
        setOwn(into, value, (getOwn(into, value) ?? 0) + count);
    }
    for (const [field, { min, max }] of Object.entries(stats)) {
      const seen = getOwn(facetStats, field);
      const widened = seen
        ? { min: Math.min(seen.min, min), max: Math.max(seen.max, max) }
        : { min, max };
      setOwn(facetStats, field, widened);
    }
  }
  // Merged values sort by their raw text, as a real node does, and are cut only on request.
  for (const [field, values] of Object.entries(facetDistribution)) {
    const kept = Object.entries(values)
      .sort((a, b) => compareUtf8(a[0], b[0]))
      .slice(0, maxValuesPerFacet ?? Infinity);
    setOwn(facetDistribution, field, Object.fromEntries(kept));
  }
  return { facetDistribution, facetStats };
}
