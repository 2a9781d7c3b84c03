import type { Hit, SearchReply } from '#lib/node-client';
import { mergeFacetDistributions, mergeFacetStats } from './facet-merge.js';
import { cleanHit, valueAtPath } from './hit-cleanup.js';
import {
  compareRanked,
  rankHit,
  ruleTemplate,
  type RankedHit,
  type RuleTemplate,
} from './hit-order.js';
import { normalizeFacetString } from './document-sort.js';
import { kWayMerge } from './k-way-merge.js';
import type { SearchMergeSpec, SearchPlan } from './search-plan.js';

/** The merged answer, shaped like one node's (emulator.md §2.5). */
export interface MergedSearch {
  hits: Hit[];
  query: string;
  processingTimeMs: number;
  limit?: number;
  offset?: number;
  estimatedTotalHits?: number;
  hitsPerPage?: number;
  page?: number;
  totalPages?: number;
  totalHits?: number;
  facetDistribution?: Record<string, Record<string, number>>;
  facetStats?: Record<string, { min: number; max: number }>;
}

/**
 * Merges the replies of a plan's nodes (any subset, in any order: the result depends only on their
 * content) into the page one node holding every shard would have answered.
 */
export function mergeSearch(
  plan: Pick<SearchPlan, 'merge'>,
  replies: readonly SearchReply[],
  processingTimeMs = 0,
  /** The page's hits when a second phase fetched them (two-phase search). */
  pageHits?: readonly Hit[],
): MergedSearch {
  const m = plan.merge;
  const page =
    pageHits ??
    mergeHits(m, replies)
      .slice(m.start)
      .map((r) => r.hit);
  const hits = page.map((hit) => cleanHit(hit, m));
  return {
    hits,
    query: m.query,
    processingTimeMs,
    ...mergeTotals(m, replies),
    ...mergeFacets(m, replies),
  };
}

/**
 * The first `end` hits of the global order. Each node's list is already in that order, so a k-way
 * merge reads only what the page needs. With distinct, the first (best) hit per value is kept.
 */
export function mergeHits(m: SearchMergeSpec, replies: readonly SearchReply[]): RankedHit[] {
  const lists = replies.map((r) => new RankedHits(r.hits, m.primaryKey));
  let accept: ((r: RankedHit) => boolean) | undefined;
  if (m.distinct) {
    const seen = new Set<string>();
    const attr = m.distinct;
    accept = (r) => {
      const keys = distinctKeys(valueAtPath(r.hit, attr));
      // milli distinct.rs: a hit sharing any value with a kept one is dropped; a kept hit adds all
      // its values (one hop, not transitive); a hit without values is always kept.
      if (keys.some((k) => seen.has(k))) return false;
      for (const k of keys) seen.add(k);
      return true;
    };
  }
  return kWayMerge(lists, compareRanked, m.end, accept);
}

/**
 * The facet keys milli compares for distinct (`distinct_single_docid`): numbers by value, strings
 * (and booleans as `"true"`/`"false"`) normalised (trim, NFKD, lowercase), array items one by one;
 * the number `1` and the string `"1"` differ. Null, objects and missing values give none.
 */
export function distinctKeys(value: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'number') out.push(`n${v}`);
    else if (typeof v === 'string') out.push(`s${normalizeFacetString(v)}`);
    else if (typeof v === 'boolean') out.push(`s${v}`);
    else if (Array.isArray(v)) v.forEach(visit);
  };
  visit(value);
  return out;
}

/**
 * Sums are exact because every shard is counted by exactly one node, and capping the sum at
 * maxTotalHits gives what one node reports as long as nodes cap at maxTotalHits or more. Exception
 * (see the plan's caveats): with distinct, a value present on several shards is counted once per
 * shard, so totals can be higher than one node's.
 */
export function mergeTotals(
  m: SearchMergeSpec,
  replies: readonly SearchReply[],
): Partial<MergedSearch> {
  if (m.paging.mode === 'offset') {
    const sum = replies.reduce((s, r) => s + (r.estimatedTotalHits ?? 0), 0);
    return {
      limit: m.paging.limit,
      offset: m.paging.offset,
      estimatedTotalHits: Math.min(sum, m.maxTotalHits),
    };
  }
  const totalHits = Math.min(
    replies.reduce((s, r) => s + (r.totalHits ?? 0), 0),
    m.maxTotalHits,
  );
  const { page, hitsPerPage } = m.paging;
  return {
    hitsPerPage,
    page,
    totalPages: hitsPerPage === 0 ? 0 : Math.ceil(totalHits / hitsPerPage),
    totalHits,
  };
}

function mergeFacets(m: SearchMergeSpec, replies: readonly SearchReply[]): Partial<MergedSearch> {
  const out: Partial<MergedSearch> = {};
  if (replies.some((r) => r.facetDistribution !== undefined)) {
    // The search's candidates across shards (a node's total may be capped at maxTotalHits: then
    // the count is a lower bound, which only matters between 3,000 and that cap times the nodes).
    const candidates = replies.reduce((n, r) => n + (r.estimatedTotalHits ?? r.totalHits ?? 0), 0);
    out.facetDistribution = mergeFacetDistributions(
      replies.map((r) => r.facetDistribution),
      m.maxValuesPerFacet,
      m.sortFacetValuesBy,
      candidates,
    );
  }
  if (replies.some((r) => r.facetStats !== undefined)) {
    out.facetStats = mergeFacetStats(replies.map((r) => r.facetStats));
  }
  return out;
}

/**
 * A node's hits, ranked on first read: the merge reads only as far into each list as the page
 * needs (about a third of each list for three nodes), so the rest are never ranked.
 */
class RankedHits {
  private readonly ranked: (RankedHit | undefined)[];
  private readonly template: RuleTemplate;

  constructor(
    private readonly hits: readonly Hit[],
    private readonly primaryKey: string,
  ) {
    this.ranked = new Array(hits.length);
    this.template = ruleTemplate(hits[0]);
  }

  get length(): number {
    return this.hits.length;
  }

  at(index: number): RankedHit | undefined {
    const hit = this.hits[index];
    if (hit === undefined) return undefined;
    return (this.ranked[index] ??= rankHit(hit, this.primaryKey, this.template));
  }
}
