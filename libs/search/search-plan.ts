import type { Filter, SearchRequest } from '#lib/node-client';
import { shardFilter } from '#lib/routing';
import type { FacetOrder } from './facet-merge.js';

/** The index settings a search plan needs, as the client sees them. */
export interface SearchSettings {
  primaryKey: string;
  rankingRules: readonly string[];
  distinctAttribute: string | null;
  /** `pagination.maxTotalHits`; nodes must be configured with at least as much. */
  maxTotalHits: number;
  /** `faceting.maxValuesPerFacet`; nodes are configured with more, so merged counts stay exact. */
  maxValuesPerFacet: number;
  sortFacetValuesBy: Readonly<Record<string, FacetOrder>>;
  /** The client's filterable rules (for Meilisearch's "not filterable" message). */
  filterableAttributes: readonly unknown[];
  /** The client's displayed attributes; nodes display everything, the gateway hides the rest. */
  displayedAttributes: readonly string[];
}

/** One node's share of a search. */
export interface NodeSearch {
  nodeId: string;
  group: string;
  shards: number[];
  body: SearchRequest;
}

export type Paging =
  | { mode: 'offset'; offset: number; limit: number }
  | { mode: 'page'; page: number; hitsPerPage: number };

/** What the merge needs to rebuild the answer one node would have given. */
export interface SearchMergeSpec {
  /** As echoed to the client (offset capped at maxTotalHits, limit as requested). */
  paging: Paging;
  /** Positions `[start, end)` of the merged order that make the page. */
  start: number;
  end: number;
  query: string;
  primaryKey: string;
  distinct: string | null;
  maxTotalHits: number;
  showRankingScore: boolean;
  showRankingScoreDetails: boolean;
  /** Attributes the plan added to `attributesToRetrieve` for merging; removed from hits again. */
  addedAttributes: string[];
  /** The client's displayed attributes, or null for `*` (see `cleanHit`). */
  displayed: readonly string[] | null;
  maxValuesPerFacet: number;
  sortFacetValuesBy: Readonly<Record<string, FacetOrder>>;
}

export interface SearchPlan {
  indexUid: string;
  nodeUid: string;
  requests: NodeSearch[];
  /** Shards no node could serve (policy `partial`): reported in `X-Miroir-Degraded`. */
  uncoveredShards: number[];
  merge: SearchMergeSpec;
  /** Where the merged answer can differ from one node's, for logs and docs. */
  caveats: string[];
  describe(): string;
}

/** `_miroir_shard IN [..]` AND-ed with the client's filter, in Meilisearch's array form. */
export function withShardFilter(
  filter: Filter | null | undefined,
  shards: readonly number[],
  totalShards: number,
): Filter | undefined {
  // A node answering for every shard needs no restriction (nothing else can duplicate its hits).
  const clause = shards.length === totalShards ? undefined : shardFilter(shards);
  const empty =
    filter === null ||
    filter === undefined ||
    (typeof filter === 'string' && filter.trim() === '') ||
    (Array.isArray(filter) && filter.length === 0);
  if (empty) return clause;
  if (!clause) return filter;
  return typeof filter === 'string' ? [filter, clause] : [...filter, clause];
}

const SHOWN_PARAMS = [
  'filter',
  'offset',
  'limit',
  'page',
  'hitsPerPage',
  'attributesToRetrieve',
  'attributesToHighlight',
  'attributesToCrop',
] as const;

/** Readable, stable text of a plan for golden tests and debug logs. */
export function describeSearchPlan(plan: Omit<SearchPlan, 'describe'>): string {
  const m = plan.merge;
  const paging =
    m.paging.mode === 'offset'
      ? `offset=${m.paging.offset} limit=${m.paging.limit}`
      : `page=${m.paging.page} hitsPerPage=${m.paging.hitsPerPage}`;
  const lines = [
    `search ${plan.indexUid} ${paging} window=[${m.start},${m.end}) maxTotalHits=${m.maxTotalHits}`,
  ];
  for (const r of plan.requests) {
    const shown = SHOWN_PARAMS.filter((k) => r.body[k] !== undefined).map(
      (k) => `${k}=${JSON.stringify(r.body[k])}`,
    );
    lines.push(
      `  ${r.nodeId} (group ${r.group}) shards=[${r.shards.join(',')}] ${shown.join(' ')}`,
    );
  }
  if (plan.uncoveredShards.length > 0)
    lines.push(`  uncovered shards=[${plan.uncoveredShards.join(',')}]`);
  const shown = [
    m.showRankingScore && '_rankingScore',
    m.showRankingScoreDetails && '_rankingScoreDetails',
  ]
    .filter(Boolean)
    .join(',');
  lines.push(
    `  merge: by ranking details, then ${m.primaryKey} asc; distinct=${m.distinct ?? 'none'}; ` +
      `strip=[${m.addedAttributes.join(',')}]; show=[${shown}]`,
  );
  for (const c of plan.caveats) lines.push(`  caveat: ${c}`);
  return lines.join('\n');
}
