import { MeiliError } from '#lib/errors';
import type { FacetSearchReply, FacetSearchRequest } from '#lib/node-client';
import {
  facetOrderFor,
  orderFacetValues,
  RESERVED_PREFIX,
  sumFacetDistributions,
} from './facet-merge.js';
import type { SearchContext } from './search.planner.js';
import { withShardFilter } from './search-plan.js';
import { optionalString, requireObject } from './search-params.js';

export interface NodeFacetSearch {
  nodeId: string;
  group: string;
  shards: number[];
  body: FacetSearchRequest;
}

export interface FacetSearchPlan {
  indexUid: string;
  nodeUid: string;
  requests: NodeFacetSearch[];
  uncoveredShards: number[];
  facetName: string;
  facetQuery: string | null;
  maxValuesPerFacet: number;
  order: 'alpha' | 'count';
  describe(): string;
}

/** Every node counts the facet's values over its shards; the merge sums them. */
export function planFacetSearch(clientBody: unknown, ctx: SearchContext): FacetSearchPlan {
  const b = requireObject(clientBody);
  const facetName = optionalString(b, 'facetName', 'invalid_facet_search_facet_name');
  if (facetName === undefined) {
    throw new MeiliError('missing_facet_search_facet_name', 'Missing field `facetName`');
  }
  if (facetName.startsWith(RESERVED_PREFIX)) {
    throw new MeiliError(
      'invalid_facet_search_facet_name',
      `Attribute \`${facetName}\` is not facet-searchable.`,
    );
  }
  const facetQuery = optionalString(b, 'facetQuery', 'invalid_facet_search_facet_query') ?? null;
  if (
    ctx.covering.requests.length === 0 ||
    (ctx.covering.uncovered.length > 0 && ctx.unavailableShardPolicy === 'error')
  ) {
    throw new MeiliError(
      'miroir_shard_unavailable',
      `Index \`${ctx.indexUid}\`: no reachable copy of shard(s) ${ctx.covering.uncovered.join(', ')}.`,
    );
  }
  const requests = ctx.covering.requests.map((r) => {
    const body = { ...b } as FacetSearchRequest;
    const filter = withShardFilter(b.filter as FacetSearchRequest['filter'], r.shards, ctx.shards);
    if (filter === undefined) delete body.filter;
    else body.filter = filter;
    return { nodeId: r.nodeId, group: r.group, shards: [...r.shards], body };
  });
  const plan = {
    indexUid: ctx.indexUid,
    nodeUid: ctx.nodeUid,
    requests,
    uncoveredShards: [...ctx.covering.uncovered],
    facetName,
    facetQuery,
    maxValuesPerFacet: ctx.settings.maxValuesPerFacet,
    order: facetOrderFor(facetName, ctx.settings.sortFacetValuesBy),
  };
  const describe = () =>
    [
      `facet-search ${plan.indexUid} facet=${facetName} query=${JSON.stringify(facetQuery)} ` +
        `order=${plan.order} max=${plan.maxValuesPerFacet}`,
      ...requests.map(
        (r) =>
          `  ${r.nodeId} (group ${r.group}) shards=[${r.shards.join(',')}] filter=${JSON.stringify(r.body.filter)}`,
      ),
      ...(plan.uncoveredShards.length > 0
        ? [`  uncovered shards=[${plan.uncoveredShards.join(',')}]`]
        : []),
    ].join('\n');
  return { ...plan, describe };
}

/** Counts summed per value across nodes, then ordered and truncated as one node would. */
export function mergeFacetSearch(
  plan: Pick<FacetSearchPlan, 'facetName' | 'facetQuery' | 'maxValuesPerFacet' | 'order'>,
  replies: readonly FacetSearchReply[],
): FacetSearchReply {
  // The nodes search in parallel: the longest of their times is the facet search's own.
  const processingTimeMs = Math.max(0, ...replies.map((r) => r.processingTimeMs ?? 0));
  const asDistribution = replies.map((r) => ({
    [plan.facetName]: Object.fromEntries(r.facetHits.map((h) => [h.value, h.count])),
  }));
  const summed = sumFacetDistributions(asDistribution).get(plan.facetName) ?? [];
  return {
    facetHits: orderFacetValues(summed, plan.order, plan.maxValuesPerFacet),
    facetQuery: plan.facetQuery,
    processingTimeMs,
  };
}
