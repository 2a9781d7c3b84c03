import { compareFederated, federatedGroups, kWayMerge, type FederatedRank } from '#lib/search';
import { inIndex } from './index-error.js';
import { MeiliError } from '#lib/errors';
import { federatedFacets } from './federated-facets.js';
import type { IndexEngine } from './index-engine.js';
import { renderHits } from './hits.js';
import { executeSearch } from './search.js';
import { parseSearchParams } from './search-params.js';
import { emulatorUnsupported } from '../http/unsupported.js';

/** One query of a multi-search, split from its index and federation options. */
export interface IndexQuery {
  indexUid: string;
  params: Record<string, unknown>;
  weight: number;
}

/** The `federation` object of a multi-search. */
export interface Federation {
  offset: number;
  limit: number;
  facetsByIndex?: Record<string, unknown>;
  mergeFacets?: { maxValuesPerFacet?: number };
}

/**
 * Runs each query for the first `offset + limit` hits, then merges them by weighted score (score
 * × weight), ties by query position, then by each query's own order.
 */
export function federate(
  queries: IndexQuery[],
  options: Federation,
  inside: <T>(i: number, run: () => T) => T,
  resolve: (uid: string) => IndexEngine,
  checkIndex?: (uid: string) => void,
  extraFilterOf: (uid: string) => unknown = () => null,
): Record<string, unknown> {
  const merged: Array<{
    hit: Record<string, unknown>;
    score: number;
    position: number;
    rank: number;
    indexUid: string;
    doc: number;
    ranking: FederatedRank;
  }> = [];
  const matchesByIndex = new Map<string, Uint8Array>();
  queries.forEach(({ indexUid, params, weight }, position) =>
    inside(position, () => {
      checkIndex?.(indexUid);
      const engine = resolve(indexUid);
      const run = inIndex(indexUid, () =>
        executeSearch(
          engine,
          parseSearchParams({ ...params, offset: 0, limit: options.offset + options.limit }),
          extraFilterOf(indexUid),
        ),
      );
      const seen = matchesByIndex.get(indexUid);
      if (seen) run.matches.forEach((v, i) => (seen[i] = seen[i]! | v));
      else matchesByIndex.set(indexUid, run.matches);
      const hits = renderHits(engine, run);
      run.page.forEach((doc, rank) => {
        const scored = run.ranker.score(doc);
        const score = scored.score * weight;
        const hit = hits[rank]!;
        hit._federation = { indexUid, queriesPosition: position, weightedRankingScore: score };
        const ranking = federatedGroups({ _rankingScoreDetails: scored.details as never }, score);
        merged.push({
          hit,
          score,
          position,
          rank,
          indexUid,
          doc,
          ranking: { weighted: score, groups: ranking },
        });
      });
    }),
  );
  // federated/perform.rs: the queries' lists (each in its own ranking order) are k-way merged by
  // weighted_scores::compare on their heads, ties to the earlier query; a document two queries on
  // one index found is shown once, from the query that reached it first.
  const lists = queries.map((_, position) => merged.filter((m) => m.position === position));
  const shown = new Set<string>();
  const unique = kWayMerge(
    lists,
    (a, b) => compareFederated(a.ranking, b.ranking),
    options.offset + options.limit,
    (m) => {
      const key = `${m.indexUid}\u0000${m.doc}`;
      if (shown.has(key)) return false;
      shown.add(key);
      return true;
    },
  );
  // The total counts each index's candidates once over its queries (their union).
  let total = 0;
  for (const mask of matchesByIndex.values()) for (const v of mask) total += v;
  const out: Record<string, unknown> = {
    hits: unique.slice(options.offset, options.offset + options.limit).map((m) => m.hit),
    limit: options.limit,
    offset: options.offset,
    estimatedTotalHits: total,
  };
  if (options.facetsByIndex) {
    Object.assign(
      out,
      federatedFacets(options.facetsByIndex, matchesByIndex, resolve, options.mergeFacets),
    );
  }
  return out;
}

/** Validates `federation` with a real node's codes (unknown fields → bad_request). */
export function parseFederation(value: unknown): Federation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MeiliError('bad_request', 'Invalid value type at `.federation`: expected an object');
  }
  const out: Federation = { offset: 0, limit: 20 };
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (key === 'offset' || key === 'limit') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new MeiliError(
          `invalid_search_${key}`,
          `Invalid value at \`.federation.${key}\`: expected a positive integer`,
        );
      }
      out[key] = v;
    } else if (key === 'facetsByIndex') {
      if (typeof v !== 'object' || Array.isArray(v)) {
        throw new MeiliError(
          'invalid_multi_search_facets_by_index',
          'Invalid value type at `.federation.facetsByIndex`: expected an object',
        );
      }
      out.facetsByIndex = v as Record<string, unknown>;
    } else if (key === 'mergeFacets') {
      out.mergeFacets = parseMergeFacets(v);
    } else {
      throw new MeiliError(
        'bad_request',
        `Unknown field \`${key}\` inside \`.federation\`: expected one of \`limit\`, \`offset\`, \`facetsByIndex\`, \`mergeFacets\``,
      );
    }
  }
  return out;
}

function parseMergeFacets(v: unknown): { maxValuesPerFacet?: number } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new MeiliError(
      'invalid_multi_search_merge_facets',
      'Invalid value type at `.federation.mergeFacets`: expected an object',
    );
  }
  const { maxValuesPerFacet, ...rest } = v as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new MeiliError(
      'invalid_multi_search_merge_facets',
      `Unknown field \`${Object.keys(rest)[0]}\` inside \`.federation.mergeFacets\``,
    );
  }
  if (maxValuesPerFacet === undefined || maxValuesPerFacet === null) return {};
  if (
    typeof maxValuesPerFacet !== 'number' ||
    !Number.isInteger(maxValuesPerFacet) ||
    maxValuesPerFacet < 0
  ) {
    throw new MeiliError(
      'invalid_multi_search_max_values_per_facet',
      'Invalid value at `.federation.mergeFacets.maxValuesPerFacet`: expected a positive integer',
    );
  }
  return { maxValuesPerFacet };
}

/** `federationOptions` of one query; returns its weight. */
export function parseFederationOptions(options: unknown): number {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MeiliError(
      'invalid_multi_search_federation_options',
      'Invalid value type at `.federationOptions`: expected an object',
    );
  }
  const { weight, remote, queryPosition, ...rest } = options as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new MeiliError(
      'bad_request',
      `Unknown field \`${Object.keys(rest)[0]}\` inside \`.federationOptions\``,
    );
  }
  if (remote != null) throw emulatorUnsupported('The emulator does not support remote federation.');
  if (
    queryPosition != null &&
    (typeof queryPosition !== 'number' || !Number.isInteger(queryPosition) || queryPosition < 0)
  ) {
    throw new MeiliError(
      'invalid_multi_search_query_position',
      'Invalid value at `.federationOptions.queryPosition`: expected a positive integer',
    );
  }
  if (weight === undefined || weight === null) return 1;
  if (typeof weight !== 'number' || weight < 0) {
    throw new MeiliError(
      'invalid_multi_search_weight',
      'Invalid value at `.federationOptions.weight`: expected a positive number',
    );
  }
  return weight;
}
