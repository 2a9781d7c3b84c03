import type {
  FacetDistribution,
  FacetStats,
  MultiSearchRequest,
  SearchRequest,
} from '#lib/node-client';
import type { FederatedSearchPlan } from './multi-search.planner.js';

/**
 * Federated totals and `facetsByIndex` are counted over the union of an index's queries
 * (federated/perform.rs: `candidates |= query_candidates` per index, facets over those
 * candidates), which per-query counts cannot rebuild. Each node can: asked a federated search of
 * its own part of every query (limit 0), it answers the union over its shards. Shards partition
 * the documents and every query of one index reads the same covering set, so the nodes' answers
 * add up to the exact union.
 */
export interface UnionRequest {
  nodeId: string;
  body: MultiSearchRequest;
}

/** A node's federated answer to a union request (hits empty). */
export interface UnionReply {
  estimatedTotalHits?: number;
  facetsByIndex?: Record<string, { distribution?: FacetDistribution; stats?: FacetStats }>;
}

/** The parameters that decide which documents a query matches. */
const MATCHING = [
  'q',
  'filter',
  'matchingStrategy',
  'attributesToSearchOn',
  'rankingScoreThreshold',
  'distinct',
  'locales',
] as const;

export function planFederatedUnion(plan: FederatedSearchPlan): UnionRequest[] {
  const byNode = new Map<string, UnionRequest>();
  for (const q of plan.queries) {
    for (const r of q.plan.requests) {
      let request = byNode.get(r.nodeId);
      if (!request) {
        request = { nodeId: r.nodeId, body: { federation: { limit: 0, offset: 0 }, queries: [] } };
        byNode.set(r.nodeId, request);
      }
      const query: SearchRequest & { indexUid: string } = { indexUid: q.plan.nodeUid };
      for (const key of MATCHING) {
        if (r.body[key] !== undefined) (query as Record<string, unknown>)[key] = r.body[key];
      }
      request.body.queries.push(query);
      const facets = plan.facetsByIndex?.[q.indexUid];
      if (facets) {
        const federation = request.body.federation as { facetsByIndex?: Record<string, string[]> };
        (federation.facetsByIndex ??= {})[q.plan.nodeUid] = facets;
      }
    }
  }
  return [...byNode.values()];
}
