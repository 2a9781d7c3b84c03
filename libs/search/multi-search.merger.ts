import type { UnionReply } from './federated-union.js';
import type { FacetDistribution, FacetStats, Hit, SearchReply } from '#lib/node-client';
import { mergeFacetDistributions, mergeFacetStats } from './facet-merge.js';
import { cleanHit } from './hit-cleanup.js';
import { compareSortValues } from './hit-order.js';
import { kWayMerge } from './k-way-merge.js';
import type { FederatedSearchPlan, PlainMultiSearchPlan } from './multi-search.planner.js';
import { mergeHits, mergeSearch, type MergedSearch } from './search.merger.js';

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
  groups: Group[];
  /** Index and primary key: the same document from two queries on one index is shown once. */
  key: string;
}

/**
 * A hit's ranking as Meilisearch's federation compares it (score_details.rs
 * `weighted_score_values`): each run of relevancy rules is a weighted score, each sort rule its
 * value and direction, each geo sort its distance. Runs use the hit's global score × weight (the
 * per-run scores are not in the details).
 */
/** What federation compares of a hit: its weighted score and its ranking groups. */
export interface FederatedRank {
  weighted: number;
  groups: Group[];
}

type Group =
  | { kind: 'score'; value: number }
  | { kind: 'sort'; asc: boolean; value: unknown }
  | { kind: 'geo'; asc: boolean; distance: number | null };

const SORT = /:(asc|desc)$/;

export function federatedGroups(hit: Pick<Hit, '_rankingScoreDetails'>, weighted: number): Group[] {
  const entries = Object.entries(hit._rankingScoreDetails ?? {}).sort(
    (a, b) => a[1].order - b[1].order,
  );
  const groups: Group[] = [];
  for (const [rule, detail] of entries) {
    const dir = SORT.exec(rule);
    if (!dir) {
      if (groups[groups.length - 1]?.kind !== 'score')
        groups.push({ kind: 'score', value: weighted });
      continue;
    }
    const asc = dir[1] === 'asc';
    if (rule.startsWith('_geoPoint(')) {
      const d = (detail as { distance?: unknown }).distance;
      groups.push({ kind: 'geo', asc, distance: typeof d === 'number' ? d : null });
    } else groups.push({ kind: 'sort', asc, value: detail.value });
  }
  return groups;
}

/** Negative when `a` comes first (federated/weighted_scores.rs); the caller breaks ties by query. */
export function compareFederated(a: FederatedRank, b: FederatedRank): number {
  const n = Math.min(a.groups.length, b.groups.length);
  for (let i = 0; i < n; i++) {
    const x = a.groups[i]!;
    const y = b.groups[i]!;
    let c = 0;
    if (x.kind === 'score' && y.kind === 'score') {
      c = Math.abs(x.value - y.value) <= Number.EPSILON ? 0 : y.value - x.value;
    } else if (x.kind === 'sort' && y.kind === 'sort') {
      c =
        x.asc === y.asc
          ? compareSortValues(x.value, y.value, x.asc ? 1 : -1)
          : b.weighted - a.weighted;
    } else if (x.kind === 'geo' && y.kind === 'geo') {
      if (x.distance === null || y.distance === null) {
        c = x.distance === y.distance ? 0 : x.distance === null ? 1 : -1;
      } else if (x.asc === y.asc) c = (x.distance - y.distance) * (x.asc ? 1 : -1);
      else c = b.weighted - a.weighted;
    } else {
      // Kinds that do not compare: more groups left wins, then the weighted score.
      c = b.groups.length - i - (a.groups.length - i) || b.weighted - a.weighted;
    }
    if (c !== 0) return c;
  }
  return b.groups.length - a.groups.length;
}

/**
 * Federated multi-search (federated/perform.rs): each query's hits are first merged across its
 * nodes, then the queries are merged by their weighted ranking (relevancy runs × weight, sort and
 * geo values compared directly), ties to the earlier query, and a document two queries on one index
 * both found is kept once, from its best query. The total and each index's facets are counted over
 * the union of its queries, from the nodes' answers to the union requests (`planFederatedUnion`).
 */
export function mergeFederatedSearch(
  plan: FederatedSearchPlan,
  replies: readonly (readonly SearchReply[])[],
  union: readonly UnionReply[],
  processingTimeMs = 0,
): FederatedResult {
  const estimatedTotalHits = union.reduce((sum, u) => sum + (u.estimatedTotalHits ?? 0), 0);
  const lists = plan.queries.map((q, i): Candidate[] => {
    const nodeReplies = replies[i] ?? [];
    return mergeHits(q.plan.merge, nodeReplies).map((r) => {
      const weighted = (r.hit._rankingScore ?? 0) * q.weight;
      const key = `${q.indexUid}\u0000${JSON.stringify(r.hit[q.plan.merge.primaryKey])}`;
      const groups = federatedGroups(r.hit, weighted);
      const hit = cleanHit(r.hit, q.plan.merge);
      hit._federation = {
        indexUid: q.indexUid,
        queriesPosition: q.queriesPosition,
        weightedRankingScore: weighted,
      };
      return { hit, weighted, groups, key };
    });
  });
  const seen = new Set<string>();
  const page = kWayMerge(lists, compareFederated, plan.offset + plan.limit, (c) => {
    if (seen.has(c.key)) return false;
    seen.add(c.key);
    return true;
  }).slice(plan.offset);

  const result: FederatedResult = {
    hits: page.map((c) => c.hit),
    processingTimeMs,
    limit: plan.limit,
    offset: plan.offset,
    estimatedTotalHits,
  };
  if (plan.facetsByIndex) {
    const byIndex: NonNullable<FederatedResult['facetsByIndex']> = {};
    for (const q of plan.queries) {
      if (byIndex[q.indexUid] || !plan.facetsByIndex[q.indexUid]) continue;
      const parts = union.map((u) => u.facetsByIndex?.[q.plan.nodeUid]);
      byIndex[q.indexUid] = {
        distribution: mergeFacetDistributions(
          parts.map((p) => p?.distribution),
          q.plan.merge.maxValuesPerFacet,
          q.plan.merge.sortFacetValuesBy,
        ),
        stats: mergeFacetStats(parts.map((p) => p?.stats)),
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
