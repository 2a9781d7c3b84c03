import { MeiliError } from '#lib/errors';
import { requireObject } from './search-params.js';
import type { SearchPlan } from './search-plan.js';
import { planSearch, type SearchContext } from './search.planner.js';

/** Looks up an index's settings and covering set; throws MeiliError (index_not_found…) itself. */
export type ContextLookup = (indexUid: string) => SearchContext;

export interface PlainMultiSearchPlan {
  federated: false;
  queries: { indexUid: string; plan: SearchPlan }[];
  describe(): string;
}

export interface FederatedQuery {
  indexUid: string;
  queriesPosition: number;
  weight: number;
  plan: SearchPlan;
}

export interface FederatedSearchPlan {
  federated: true;
  queries: FederatedQuery[];
  offset: number;
  limit: number;
  /** Per index, the attributes whose facets the client wants (asked on that index's first query). */
  facetsByIndex: Record<string, string[]> | null;
  /** Merge the indexes' facets into one distribution, with this many values per facet. */
  mergeFacets: { maxValuesPerFacet: number } | null;
  describe(): string;
}

export type MultiSearchPlan = PlainMultiSearchPlan | FederatedSearchPlan;

const PAGING = ['offset', 'limit', 'page', 'hitsPerPage'];

/**
 * Plans `POST /multi-search`: every query is planned on its own over its index's covering set.
 * With `federation`, every query asks for the federation's window so the merge across queries can
 * fill it, and per-query paging and facets are refused as Meilisearch does.
 */
export function planMultiSearch(clientBody: unknown, lookup: ContextLookup): MultiSearchPlan {
  const body = requireObject(clientBody);
  if (!Array.isArray(body.queries)) {
    throw new MeiliError('bad_request', 'Missing field `queries`');
  }
  const federation =
    body.federation === undefined || body.federation === null
      ? null
      : requireObject(body.federation, '.federation');
  const queries = body.queries.map((raw: unknown, i: number) => {
    const q = inside(i, () => requireObject(raw, `.queries[${i}]`));
    if (typeof q.indexUid !== 'string') {
      throw new MeiliError(
        'missing_index_uid',
        `Missing field \`indexUid\` inside \`.queries[${i}]\``,
      );
    }
    if (!federation && q.federationOptions !== undefined && q.federationOptions !== null) {
      throw new MeiliError(
        'invalid_multi_search_federation_options',
        `Inside \`.queries[${i}]\`: Using \`federationOptions\` is not allowed in a non-federated search.\n - Hint: remove \`federationOptions\` from query #${i} or add \`federation\` to the request.`,
      );
    }
    return q as Record<string, unknown> & { indexUid: string };
  });

  if (!federation) {
    const planned = queries.map((q, i) => {
      const { indexUid, ...search } = q;
      return { indexUid, plan: inside(i, () => planSearch(search, lookup(indexUid))) };
    });
    return {
      federated: false,
      queries: planned,
      describe: () => planned.map((p, i) => `[${i}] ${p.plan.describe()}`).join('\n'),
    };
  }
  return planFederated(queries, federation, lookup);
}

function planFederated(
  queries: (Record<string, unknown> & { indexUid: string })[],
  federation: Record<string, unknown>,
  lookup: ContextLookup,
): FederatedSearchPlan {
  for (const key of ['page', 'hitsPerPage']) {
    if (federation[key] !== undefined && federation[key] !== null) {
      throw new MeiliError(
        'miroir_unsupported',
        `Miroir does not support \`federation.${key}\`; use offset and limit.`,
      );
    }
  }
  const offset = count(
    federation.offset,
    0,
    'invalid_multi_search_federation_offset',
    '.federation.offset',
  );
  const limit = count(
    federation.limit,
    20,
    'invalid_multi_search_federation_limit',
    '.federation.limit',
  );
  const facetsByIndex =
    federation.facetsByIndex === undefined || federation.facetsByIndex === null
      ? null
      : (requireObject(federation.facetsByIndex, '.federation.facetsByIndex') as Record<
          string,
          string[]
        >);
  const mergeFacets =
    federation.mergeFacets === undefined || federation.mergeFacets === null
      ? null
      : {
          maxValuesPerFacet: count(
            requireObject(federation.mergeFacets, '.federation.mergeFacets').maxValuesPerFacet,
            100,
            'invalid_multi_search_merge_facets',
            '.federation.mergeFacets.maxValuesPerFacet',
          ),
        };

  const planned = queries.map((q, i): FederatedQuery => {
    const { indexUid, federationOptions, ...search } = q;
    const paging = PAGING.find((k) => search[k] !== undefined && search[k] !== null);
    if (paging) {
      throw new MeiliError(
        'invalid_multi_search_query_pagination',
        `Inside \`.queries[${i}]\`: Using pagination options is not allowed in federated queries.\n - Hint: remove \`${paging}\` from query #${i} or remove \`federation\` from the request`,
      );
    }
    if (search.facets !== undefined && search.facets !== null) {
      throw new MeiliError(
        'invalid_multi_search_query_facets',
        `Inside \`.queries[${i}]\`: Using facet options is not allowed in federated queries.\n - Hint: remove \`facets\` from query #${i} or remove \`federation\` from the request\n - Hint: pass \`federation.facetsByIndex.${indexUid}: ${JSON.stringify(search.facets)}\` for facets in federated search`,
      );
    }
    const options =
      federationOptions === undefined || federationOptions === null
        ? {}
        : inside(i, () => requireObject(federationOptions, `.queries[${i}].federationOptions`));
    const weight = options.weight ?? 1;
    if (typeof weight !== 'number' || !(weight >= 0)) {
      throw new MeiliError(
        'invalid_multi_search_weight',
        `Inside \`.queries[${i}]\`: Invalid value at \`.federationOptions.weight\`: the value of \`weight\` is invalid, expected a positive float (>= 0.0).`,
      );
    }
    // An index's facets are counted over its queries' union (see federated-union.ts).
    const sub = { ...search, offset: 0, limit: offset + limit };
    return {
      indexUid,
      queriesPosition: i,
      weight,
      plan: inside(i, () => planSearch(sub, lookup(indexUid))),
    };
  });

  return {
    federated: true,
    queries: planned,
    offset,
    limit,
    facetsByIndex,
    mergeFacets,
    describe: () =>
      [
        `federated offset=${offset} limit=${limit} facetsByIndex=${JSON.stringify(facetsByIndex)} mergeFacets=${JSON.stringify(mergeFacets)}`,
        ...planned.map((p) => `[${p.queriesPosition}] weight=${p.weight} ${p.plan.describe()}`),
      ].join('\n'),
  };
}

function count(v: unknown, fallback: number, code: string, path: string): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new MeiliError(
      code,
      `Invalid value type at \`${path}\`: expected a positive integer, but found \`${JSON.stringify(v)}\``,
    );
  }
  return v;
}

/** Meilisearch prefixes a query's error with where it happened. */
function inside<T>(i: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MeiliError && !e.message.startsWith('Inside `')) {
      throw new MeiliError(e.code, `Inside \`.queries[${i}]\`: ${e.message}`, {
        status: e.status,
        type: e.type,
      });
    }
    throw e;
  }
}
