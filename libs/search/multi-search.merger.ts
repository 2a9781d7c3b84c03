import type { FacetDistribution, FacetStats, Hit, SearchReply } from '#lib/node-client';
import { mergeFacetDistributions, mergeFacetStats } from './facet-merge.js';
import { cleanHit } from './hit-cleanup.js';
import { kWayMerge } from './k-way-merge.js';
import type { FederatedSearchPlan, PlainMultiSearchPlan } from './multi-search.planner.js';
import { mergeHits, mergeSearch, mergeTotals, type MergedSearch } from './search.merger.js';

/** Plain multi-search: each query merged on its own, in query order. */
export function mergeMultiSearch(
  plan: PlainMultiSearchPlan,
  replies: readonly (readonly SearchReply[])[],
  processingTimeMs = 0,
): { results: (MergedSearch & { indexUid: string })[] } {
  return {
    results: plan.queries.map((q, i) => ({
      indexUid: q.indexUid,
      ...mergeSearch(q.plan, replies[i] ?? [], processingTimeMs),
    })),
  };
}

export interface FederatedResult {
  hits: Hit[];
  processingTimeMs: number;
  limit: number;
  offset: number;
  estimatedTotalHits: number;
  facetsByIndex?: Record<string, { distribution: FacetDistribution; stats: FacetStats }>;
  facetDistribution?: FacetDistribution;
  facetStats?: FacetStats;
}

interface Candidate {
  hit: Hit;
  weighted: number;
}

/**
 * Federated multi-search (emulator.md §2.8): each query's hits are first merged across its nodes,
 * then the queries are merged by `_rankingScore × weight`, ties to the earlier query, each query's
 * own order kept. Totals sum the queries' totals. Facets of an index come from its first query:
 * when several queries target one index, Meilisearch counts the union of their matches, which
 * per-query counts cannot rebuild without double counting.
 */
export function mergeFederatedSearch(
  plan: FederatedSearchPlan,
  replies: readonly (readonly SearchReply[])[],
  processingTimeMs = 0,
): FederatedResult {
  let estimatedTotalHits = 0;
  const lists = plan.queries.map((q, i): Candidate[] => {
    const nodeReplies = replies[i] ?? [];
    estimatedTotalHits += mergeTotals(q.plan.merge, nodeReplies).estimatedTotalHits ?? 0;
    return mergeHits(q.plan.merge, nodeReplies).map((r) => {
      const weighted = (r.hit._rankingScore ?? 0) * q.weight;
      const hit = cleanHit(r.hit, q.plan.merge);
      hit._federation = {
        indexUid: q.indexUid,
        queriesPosition: q.queriesPosition,
        weightedRankingScore: weighted,
      };
      return { hit, weighted };
    });
  });
  const page = kWayMerge(lists, (a, b) => b.weighted - a.weighted, plan.offset + plan.limit).slice(
    plan.offset,
  );

  const result: FederatedResult = {
    hits: page.map((c) => c.hit),
    processingTimeMs,
    limit: plan.limit,
    offset: plan.offset,
    estimatedTotalHits,
  };
  if (plan.facetsByIndex) {
    const byIndex: NonNullable<FederatedResult['facetsByIndex']> = {};
    for (const [i, q] of plan.queries.entries()) {
      if (byIndex[q.indexUid] || !q.plan.requests.some((r) => r.body.facets)) continue;
      const nodeReplies = replies[i] ?? [];
      byIndex[q.indexUid] = {
        distribution: mergeFacetDistributions(
          nodeReplies.map((r) => r.facetDistribution),
          q.plan.merge.maxValuesPerFacet,
          q.plan.merge.sortFacetValuesBy,
        ),
        stats: mergeFacetStats(nodeReplies.map((r) => r.facetStats)),
      };
    }
    if (plan.mergeFacets) {
      const all = Object.values(byIndex);
      result.facetDistribution = mergeFacetDistributions(
        all.map((f) => f.distribution),
        plan.mergeFacets.maxValuesPerFacet,
        {},
      );
      result.facetStats = mergeFacetStats(all.map((f) => f.stats));
    } else {
      result.facetsByIndex = byIndex;
    }
  }
  return result;
}
