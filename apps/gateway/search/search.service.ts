import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import { HttpNodeClient, NodeApiError, type SearchReply } from '#lib/node-client';
import {
  mergeFacetSearch,
  mergeFederatedSearch,
  mergeMultiSearch,
  mergeSearch,
  planFacetSearch,
  planMultiSearch,
  planSearch,
  type SearchContext,
  type SearchPlan,
} from '#lib/search';
import { canReach, ruleFor, type Access } from '../auth/access.js';
import { andFilters, SearchContextService } from './search-context.service.js';

export interface SearchAnswer {
  body: unknown;
  /** `X-Miroir-Degraded: shards=…` when some shards could not be served. */
  degraded?: string;
}

const invalidKey = () => new MeiliError('invalid_api_key', 'The provided API key is invalid.');

/**
 * Scatter-gather: plan over the covering set, query the nodes in parallel, merge. A node that fails
 * mid-request is put in back-off by the node client, and the search is planned once more without it.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly contexts: SearchContextService,
    private readonly nodes: HttpNodeClient,
  ) {}

  async search(indexUid: string, query: unknown, access: Access): Promise<SearchAnswer> {
    const started = performance.now();
    const body = withTenantFilter(query, access, indexUid);
    return this.withFailover(async () => {
      const plan = planSearch(body, await this.contexts.contextFor(indexUid));
      const replies = await this.execute(plan);
      const merged = mergeSearch(plan, replies, Math.round(performance.now() - started));
      // One node answers each search with its own `requestUid` (Meilisearch ≥ 1.23): so does Miroir.
      return {
        body: { ...merged, requestUid: randomUUID() },
        degraded: degraded(plan.uncoveredShards),
      };
    });
  }

  async facetSearch(indexUid: string, query: unknown, access: Access): Promise<SearchAnswer> {
    const started = performance.now();
    const body = withTenantFilter(query, access, indexUid);
    return this.withFailover(async () => {
      const plan = planFacetSearch(body, await this.contexts.contextFor(indexUid));
      const replies = await Promise.all(
        plan.requests.map((r) => this.nodes.facetSearch(r.nodeId, plan.nodeUid, r.body)),
      );
      return {
        body: mergeFacetSearch(plan, replies, Math.round(performance.now() - started)),
        degraded: degraded(plan.uncoveredShards),
      };
    });
  }

  async multiSearch(input: unknown, access: Access): Promise<SearchAnswer> {
    const started = performance.now();
    const body = input as { queries?: unknown };
    const queries = Array.isArray(body?.queries) ? (body.queries as Record<string, unknown>[]) : [];
    // Contexts are loaded up front: the planner looks them up synchronously.
    const contexts = new Map<string, SearchContext>();
    const tenantQueries = queries.map((q) => {
      if (q && typeof q === 'object' && typeof q.indexUid === 'string') {
        if (!canReach(access, q.indexUid)) throw invalidKey();
        return withTenantFilter(q, access, q.indexUid);
      }
      return q;
    });
    return this.withFailover(async () => {
      for (const q of tenantQueries) {
        const uid = (q as { indexUid?: unknown })?.indexUid;
        if (typeof uid === 'string' && !contexts.has(uid)) {
          try {
            contexts.set(uid, await this.contexts.contextFor(uid));
          } catch {
            /* the planner reports the missing index with its query position */
          }
        }
      }
      const plan = planMultiSearch({ ...(body as object), queries: tenantQueries }, (uid) => {
        const ctx = contexts.get(uid);
        if (!ctx) throw new MeiliError('index_not_found', `Index \`${uid}\` not found.`);
        return ctx;
      });
      const replies = await Promise.all(plan.queries.map((q) => this.execute(q.plan)));
      const elapsed = Math.round(performance.now() - started);
      const uncovered = [...new Set(plan.queries.flatMap((q) => q.plan.uncoveredShards))];
      return {
        body: plan.federated
          ? mergeFederatedSearch(plan, replies, elapsed)
          : mergeMultiSearch(plan, replies, elapsed),
        degraded: degraded(uncovered),
      };
    });
  }

  private execute(plan: SearchPlan): Promise<SearchReply[]> {
    return Promise.all(plan.requests.map((r) => this.nodes.search(r.nodeId, plan.nodeUid, r.body)));
  }

  /** Runs once more when a node failed (not when it answered an error: that is the answer). */
  private async withFailover<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof MeiliError || err instanceof NodeApiError) throw err;
      return run();
    }
  }
}

function degraded(shards: number[]): string | undefined {
  return shards.length ? `shards=${[...shards].sort((a, b) => a - b).join(',')}` : undefined;
}

/** A tenant token's `searchRules` filter for the index, AND-ed with the query's own filter. */
function withTenantFilter(query: unknown, access: Access, indexUid: string): unknown {
  if (access.kind !== 'tenant' || !query || typeof query !== 'object' || Array.isArray(query)) {
    return query;
  }
  const rule = ruleFor(access, indexUid);
  if (rule === undefined) throw invalidKey();
  if (rule === null) return query;
  const q = query as Record<string, unknown>;
  return { ...q, filter: andFilters(rule, q.filter) };
}
