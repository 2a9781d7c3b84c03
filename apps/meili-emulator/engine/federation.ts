import { MeiliError } from '#lib/errors';
import type { IndexEngine } from './index-engine.js';
import { federatedFacets } from './federated-facets.js';
import { executeSearch, renderHits, runSearch } from './search.js';
import { parseSearchParams } from './search-params.js';

/** `POST /multi-search`, plain or federated (emulator.md §2.8). */
export function multiSearch(
  body: unknown,
  resolve: (uid: string) => IndexEngine,
  checkIndex?: (uid: string) => void,
): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new MeiliError('bad_request', 'Invalid value type: expected an object');
  }
  const { queries, federation, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new MeiliError(
      'bad_request',
      `Unknown field \`${unknown}\`: expected one of \`queries\`, \`federation\``,
    );
  }
  if (queries === undefined) throw new MeiliError('bad_request', 'Missing field `queries`');
  if (!Array.isArray(queries))
    throw new MeiliError('bad_request', 'Invalid value type at `.queries`: expected an array');
  const federated = federation !== undefined && federation !== null;
  const parsed = queries.map((q, i) => inside(i, () => splitQuery(q, federated)));
  if (!federated) {
    return {
      results: parsed.map(({ indexUid, params }, i) =>
        inside(i, () => {
          checkIndex?.(indexUid);
          return { indexUid, ...runSearch(resolve(indexUid), params) };
        }),
      ),
    };
  }
  return federate(parsed, federation, resolve, checkIndex);
}

interface SplitQuery {
  indexUid: string;
  params: Record<string, unknown>;
  weight: number;
}

function splitQuery(query: unknown, federated: boolean): SplitQuery {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new MeiliError('bad_request', 'Invalid value type: expected an object');
  }
  const { indexUid, federationOptions, ...params } = query as Record<string, unknown>;
  if (indexUid === undefined) throw new MeiliError('missing_index_uid', 'Missing field `indexUid`');
  if (typeof indexUid !== 'string' || !/^[A-Za-z0-9_-]{1,400}$/.test(indexUid)) {
    throw new MeiliError('invalid_index_uid', `\`${String(indexUid)}\` is not a valid index uid.`);
  }
  let weight = 1;
  if (federationOptions !== undefined && federationOptions !== null) {
    if (!federated) {
      throw new MeiliError(
        'invalid_multi_search_federation_options',
        'Using `federationOptions` is not allowed in a non-federated search.',
      );
    }
    weight = parseFederationOptions(federationOptions);
  }
  if (federated) {
    for (const p of ['offset', 'limit', 'page', 'hitsPerPage']) {
      if (params[p] !== undefined) {
        throw new MeiliError(
          'invalid_multi_search_query_pagination',
          `Using pagination options is not allowed in federated queries. Hint: remove \`${p}\` from query.`,
        );
      }
    }
    if (params.facets !== undefined) {
      throw new MeiliError(
        'invalid_multi_search_query_facets',
        'Using facet options is not allowed in federated queries. Hint: use `federation.facetsByIndex`.',
      );
    }
  }
  parseSearchParams(params);
  return { indexUid, params, weight };
}

function parseFederationOptions(options: unknown): number {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MeiliError(
      'invalid_multi_search_federation_options',
      'Invalid value type at `.federationOptions`: expected an object',
    );
  }
  const { weight, remote, queryPosition, ...rest } = options as Record<string, unknown>;
  void queryPosition;
  if (remote != null)
    throw new MeiliError(
      'emulator_unsupported',
      'The emulator does not support remote federation.',
    );
  if (Object.keys(rest).length > 0) {
    throw new MeiliError(
      'bad_request',
      `Unknown field \`${Object.keys(rest)[0]}\` inside \`.federationOptions\``,
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

function federate(
  queries: SplitQuery[],
  federation: unknown,
  resolve: (uid: string) => IndexEngine,
  checkIndex?: (uid: string) => void,
): Record<string, unknown> {
  const options = parseFederation(federation);
  const pageMode = options.page !== undefined || options.hitsPerPage !== undefined;
  const need = pageMode
    ? (options.page ?? 1) * (options.hitsPerPage ?? 20)
    : (options.offset ?? 0) + (options.limit ?? 20);
  const merged: Array<{
    hit: Record<string, unknown>;
    score: number;
    position: number;
    rank: number;
  }> = [];
  let total = 0;
  const matchesByIndex = new Map<string, Uint8Array>();
  queries.forEach(({ indexUid, params, weight }, position) =>
    inside(position, () => {
      checkIndex?.(indexUid);
      const engine = resolve(indexUid);
      const req = parseSearchParams({ ...params, offset: 0, limit: need });
      const run = executeSearch(engine, req);
      total += run.total;
      const seen = matchesByIndex.get(indexUid);
      if (seen) run.matches.forEach((v, i) => (seen[i] = seen[i]! | v));
      else matchesByIndex.set(indexUid, run.matches);
      const hits = renderHits(engine, run);
      run.page.forEach((doc, rank) => {
        const score = run.ranker.score(doc).score * weight;
        const hit = hits[rank]!;
        hit._federation = { indexUid, queriesPosition: position, weightedRankingScore: score };
        merged.push({ hit, score, position, rank });
      });
    }),
  );
  merged.sort((a, b) => b.score - a.score || a.position - b.position || a.rank - b.rank);
  const out: Record<string, unknown> = {};
  if (pageMode) {
    const page = options.page ?? 1;
    const perPage = options.hitsPerPage ?? 20;
    const from = page === 0 ? 0 : (page - 1) * perPage;
    out.hits = page === 0 ? [] : merged.slice(from, from + perPage).map((m) => m.hit);
    Object.assign(out, {
      hitsPerPage: perPage,
      page,
      totalPages: perPage === 0 ? 0 : Math.ceil(total / perPage),
      totalHits: total,
    });
  } else {
    const offset = options.offset ?? 0;
    const limit = options.limit ?? 20;
    out.hits = merged.slice(offset, offset + limit).map((m) => m.hit);
    Object.assign(out, { limit, offset, estimatedTotalHits: total });
  }
  if (options.facetsByIndex) {
    Object.assign(
      out,
      federatedFacets(options.facetsByIndex, matchesByIndex, resolve, options.mergeFacets),
    );
  }
  return out;
}

interface Federation {
  offset?: number;
  limit?: number;
  page?: number;
  hitsPerPage?: number;
  facetsByIndex?: Record<string, unknown>;
  mergeFacets?: { maxValuesPerFacet?: number };
}

function parseFederation(value: unknown): Federation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MeiliError(
      'invalid_multi_search_federation_options',
      'Invalid value type at `.federation`: expected an object',
    );
  }
  const out: Federation = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (key === 'offset' || key === 'limit' || key === 'page' || key === 'hitsPerPage') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new MeiliError(
          `invalid_search_${key === 'hitsPerPage' ? 'hits_per_page' : key}`,
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
      const max = (v as { maxValuesPerFacet?: unknown }).maxValuesPerFacet;
      if (
        typeof v !== 'object' ||
        (max != null && (!Number.isInteger(max) || (max as number) < 0))
      ) {
        throw new MeiliError(
          'invalid_multi_search_merge_facets',
          'Invalid value at `.federation.mergeFacets`',
        );
      }
      out.mergeFacets = { maxValuesPerFacet: (max as number | null | undefined) ?? undefined };
    } else {
      throw new MeiliError('bad_request', `Unknown field \`${key}\` inside \`.federation\``);
    }
  }
  return out;
}

/** Re-throws a query's error with a real node's ``Inside `.queries[i]`:`` prefix. */
function inside<T>(i: number, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof MeiliError) {
      throw new MeiliError(err.code, `Inside \`.queries[${i}]\`: ${err.message}`, {
        status: err.status,
        type: err.type,
      });
    }
    throw err;
  }
}
