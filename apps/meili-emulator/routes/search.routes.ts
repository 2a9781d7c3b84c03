/** Search, facet search and multi-search (emulator.md §2.5–2.8): decode, time, delegate to the engine. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  asObject,
  checkSearchTypes,
  invalidApiKey,
  jsonBody,
  searchQueryToParams,
} from '#lib/meili-api';
import { canSearchIndex, tenantSearchFilter } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import { inIndex } from '../engine/index-error.js';
import { multiSearch } from '../engine/index.js';
import { indexParam, queryOf, route } from '../http/route-helpers.js';

function timed(
  started: number,
  body: Record<string, unknown>,
  withRequestUid: boolean,
): Record<string, unknown> {
  const processingTimeMs = Math.round(performance.now() - started);
  const { hits, query, ...rest } = body;
  const head = hits === undefined ? {} : { hits, query };
  return {
    ...head,
    processingTimeMs,
    ...rest,
    ...(withRequestUid ? { requestUid: randomUUID() } : {}),
  };
}

export function registerSearchRoutes(app: FastifyInstance, node: Emulator): void {
  const search = (request: FastifyRequest, uid: string, params: Record<string, unknown>) => {
    const started = performance.now();
    const engine = node.state.get(uid).engine;
    const extraFilter = tenantSearchFilter(request.principal, uid);
    return timed(
      started,
      inIndex(uid, () => engine.search(params, { extraFilter })),
      true,
    );
  };

  route(app, 'GET', '/indexes/:indexUid/search', 'search', (request) => {
    const uid = indexParam(request);
    return search(request, uid, searchQueryToParams(queryOf(request)));
  });

  route(app, 'POST', '/indexes/:indexUid/search', 'search', (request) => {
    const uid = indexParam(request);
    const params = asObject(jsonBody(request.headers, request.body));
    checkSearchTypes(params);
    return search(request, uid, params);
  });

  route(app, 'POST', '/indexes/:indexUid/facet-search', 'search', (request) => {
    const uid = indexParam(request);
    const params = asObject(jsonBody(request.headers, request.body));
    const started = performance.now();
    const result = node.state.get(uid).engine.facetSearch(params);
    // FacetSearchResult's field order (meilisearch search/mod.rs): hits, query, then the time.
    return { ...result, processingTimeMs: Math.round(performance.now() - started) };
  });

  route(app, 'POST', '/multi-search', 'search', (request) => {
    const body = jsonBody(request.headers, request.body);
    const started = performance.now();
    const result = multiSearch(
      body,
      (uid: string) => node.state.get(uid).engine,
      (uid: string) => {
        if (!canSearchIndex(request.principal, uid)) throw invalidApiKey();
      },
      (uid: string) => tenantSearchFilter(request.principal, uid),
    );
    if (Array.isArray(result.results)) {
      result.results = (result.results as Array<Record<string, unknown>>).map((r) => ({
        ...r,
        processingTimeMs: r.processingTimeMs ?? Math.round(performance.now() - started),
      }));
      return result;
    }
    return timed(started, result, true);
  });
}
