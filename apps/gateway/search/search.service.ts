import { andFilterParams } from '#lib/filter';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { MeiliError } from '#lib/errors';
import {
  HttpNodeClient,
  NodeApiError,
  type Hit,
  type SearchReply,
  type SearchRequest,
} from '#lib/node-client';
import {
  mergeFacetSearch,
  mergeFederatedSearch,
  mergeMultiSearch,
  mergeSearch,
  planFacetSearch,
  planMultiSearch,
  planFederatedUnion,
  planSearch,
  planSecondPhase,
  planTwoPhase,
  secondPhaseHits,
  type SearchContext,
  type SearchPlan,
  type UnionReply,
} from '#lib/search';
import { canReach, FULL_ACCESS, ruleFor, type Access } from '../auth/access.js';
import { AliasService } from '../aliases/alias.service.js';
import { asObject } from '#lib/meili-api';
import { CONFIG } from '../infra/tokens.js';
import { MetricsService } from '../admin/metrics.service.js';
import { readKey, ScatterExecutor, type ScatterAnswer } from './scatter.executor.js';
import { ScopedKeyService } from './scoped-key.service.js';

export type SearchAnswer = ScatterAnswer<unknown>;

const invalidKey = () => new MeiliError('invalid_api_key', 'The provided API key is invalid.');

/**
 * Scatter-gather through the one read executor: plan over the covering set, query the nodes in
 * parallel, merge. Node failures fail over inside the executor.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly scatter: ScatterExecutor,
    private readonly nodes: HttpNodeClient,
    @Inject(CONFIG) private readonly config: MiroirConfig,
    private readonly metrics: MetricsService,
    private readonly aliases: AliasService,
    private readonly scopedKeys: ScopedKeyService,
  ) {}

  async search(name: string, query: unknown, access: Access): Promise<SearchAnswer> {
    const body = withTenantFilter(query, access, name);
    const targets = await this.aliases.resolve(name, 'search');
    if (targets.length > 1) return this.searchAcross(targets, body);
    const indexUid = targets[0]!;
    const started = performance.now();
    return this.scatter.run(readKey(`search ${indexUid}`, body), async (lookup) => {
      const plan = planSearch(body, await lookup(indexUid));
      const two = planTwoPhase(plan, this.config.twoPhaseSearchAbove);
      let replies: SearchReply[];
      let pageHits: Hit[] | undefined;
      if (two) {
        replies = await this.execute(two.first);
        const second = planSecondPhase(two, replies);
        const fetched = await Promise.all(
          second.requests.map(({ node }) =>
            this.nodes.search(node.nodeId, plan.nodeUid, node.body),
          ),
        ).catch(clientNamed(plan));
        pageHits = secondPhaseHits(two, second, fetched) ?? undefined;
        this.metrics.twoPhaseSearches.inc({ outcome: pageHits ? 'paged' : 'retried' });
        // A write reached a copy between the phases: one phase answers from one state.
        if (!pageHits) replies = await this.execute(plan);
      } else replies = await this.execute(plan);
      const merged = mergeSearch(plan, replies, Math.round(performance.now() - started), pageHits);
      // One node answers each search with its own `requestUid` (Meilisearch ≥ 1.23): so does Miroir.
      return {
        body: { ...merged, requestUid: randomUUID() },
        uncoveredShards: plan.uncoveredShards,
      };
    });
  }

  async facetSearch(name: string, query: unknown, access: Access): Promise<SearchAnswer> {
    const body = withTenantFilter(query, access, name);
    const indexUid = (await this.aliases.resolve(name, 'read'))[0]!;
    return this.scatter.run(readKey(`facet ${indexUid}`, body), async (lookup) => {
      const plan = planFacetSearch(body, await lookup(indexUid));
      const replies = await Promise.all(
        plan.requests.map((r) =>
          this.withScopedKey(plan.nodeUid, (key) =>
            this.nodes.facetSearch(r.nodeId, plan.nodeUid, r.body, { key }),
          ),
        ),
      ).catch(clientNamed(plan));
      return { body: mergeFacetSearch(plan, replies), uncoveredShards: plan.uncoveredShards };
    });
  }

  async multiSearch(input: unknown, access: Access): Promise<SearchAnswer> {
    const started = performance.now();
    const body = input as { queries?: unknown; federation?: unknown };
    const queries = Array.isArray(body?.queries) ? (body.queries as Record<string, unknown>[]) : [];
    const tenantQueries: unknown[] = [];
    for (const q of queries) {
      if (q && typeof q === 'object' && typeof q.indexUid === 'string') {
        if (!canReach(access, q.indexUid)) {
          throw access.kind === 'ui'
            ? new MeiliError('miroir_jwt_scope_denied', 'This search token allows one index only.')
            : invalidKey();
        }
        // A query names one index: a single alias resolves to its target.
        const [target] = await this.aliases.resolve(q.indexUid, 'read');
        tenantQueries.push({
          ...(withTenantFilter(q, access, q.indexUid) as Record<string, unknown>),
          indexUid: target,
        });
      } else tenantQueries.push(q);
    }
    const request = { ...(body as object), queries: tenantQueries };
    return this.scatter.run(multiSearchKey(request), async (lookup) => {
      // Contexts are loaded up front: the planner looks them up synchronously.
      const contexts = new Map<string, SearchContext>();
      for (const q of tenantQueries) {
        const uid = (q as { indexUid?: unknown })?.indexUid;
        if (typeof uid === 'string' && !contexts.has(uid)) {
          try {
            contexts.set(uid, await lookup(uid));
          } catch (err) {
            // The planner reports a missing index with its query position.
            if (!(err instanceof MeiliError && err.code === 'index_not_found')) throw err;
          }
        }
      }
      const plan = planMultiSearch(request, (uid) => {
        const ctx = contexts.get(uid);
        if (!ctx) throw new MeiliError('index_not_found', `Index \`${uid}\` not found.`);
        return ctx;
      });
      // Federated: the union counts run alongside; a query's own error is the one reported.
      const unionReplies: Promise<UnionReply[]> = plan.federated
        ? Promise.all(
            planFederatedUnion(plan).map(
              (u) => this.nodes.multiSearch(u.nodeId, u.body) as Promise<UnionReply>,
            ),
          )
        : Promise.resolve([]);
      unionReplies.catch(() => undefined);
      const replies = await Promise.all(plan.queries.map((q) => this.execute(q.plan)));
      const union = await unionReplies;
      const elapsed = Math.round(performance.now() - started);
      return {
        body: plan.federated
          ? mergeFederatedSearch(plan, replies, union, elapsed)
          : mergeMultiSearch(plan, replies, elapsed),
        uncoveredShards: plan.queries.flatMap((q) => q.plan.uncoveredShards),
      };
    });
  }

  /**
   * A search through a multi-target alias: the query on every target, merged as a federated
   * search with equal weights (one hit per document and index), answered in a search's shape.
   */
  private async searchAcross(targets: string[], query: unknown): Promise<SearchAnswer> {
    const q = { ...(asObject(query) as Record<string, unknown>) };
    const offset = q.offset ?? 0;
    const limit = q.limit ?? 20;
    const facets = Array.isArray(q.facets) ? (q.facets as string[]) : null;
    for (const key of ['offset', 'limit', 'page', 'hitsPerPage', 'facets']) delete q[key];
    const federation: Record<string, unknown> = { offset, limit };
    if (facets) {
      federation.facetsByIndex = Object.fromEntries(targets.map((t) => [t, facets]));
      federation.mergeFacets = {};
    }
    const answer = await this.multiSearch(
      { federation, queries: targets.map((indexUid) => ({ ...q, indexUid })) },
      FULL_ACCESS,
    );
    const merged = answer.body as Record<string, unknown> & { hits: Record<string, unknown>[] };
    const { hits, processingTimeMs, ...rest } = merged;
    return {
      ...answer,
      body: {
        hits: hits.map(({ _federation: _f, ...hit }) => hit),
        query: typeof q.q === 'string' ? q.q : '',
        processingTimeMs,
        ...rest,
        requestUid: randomUUID(),
      },
    };
  }

  private execute(plan: SearchPlan): Promise<SearchReply[]> {
    return Promise.all(
      plan.requests.map((r) => this.searchNode(r.nodeId, plan.nodeUid, r.body)),
    ).catch(clientNamed(plan));
  }

  private searchNode(nodeId: string, nodeUid: string, body: SearchRequest): Promise<SearchReply> {
    return this.withScopedKey(nodeUid, (key) => this.nodes.search(nodeId, nodeUid, body, { key }));
  }

  /**
   * Runs a node search with the index's scoped search key; a node that refuses it (a node added
   * or back after the key was minted) is asked again with the node key.
   */
  private async withScopedKey<T>(nodeUid: string, call: (key?: string) => Promise<T>): Promise<T> {
    const key = this.scopedKeys.keyFor(nodeUid);
    if (!key) return call();
    try {
      return await call(key);
    } catch (err) {
      if (!(err instanceof NodeApiError && (err.status === 401 || err.status === 403))) throw err;
      this.metrics.scopedKeyFallbacks.inc();
      return call();
    }
  }
}

/** Rethrows a node's error with the client's index name in its message. */
export function clientNamed(plan: { nodeUid: string; indexUid: string }) {
  return (err: unknown): never => {
    throw err instanceof NodeApiError ? err.forIndex(plan.nodeUid, plan.indexUid) : err;
  };
}

/** A multi-search's read key: its queries and federation without their paging. */
function multiSearchKey(request: { queries: unknown[]; federation?: unknown }): string {
  const federation =
    request.federation && typeof request.federation === 'object'
      ? { ...(request.federation as object), offset: undefined, limit: undefined }
      : request.federation;
  return readKey('multi-search', {
    ...request,
    federation,
    queries: request.queries.map((q) => readKey('', q)),
  });
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
  return { ...q, filter: andFilterParams(rule, q.filter) };
}
