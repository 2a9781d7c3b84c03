import { inIndex } from './index-error.js';
import { MeiliError } from '#lib/errors';
import {
  federate,
  parseFederation,
  parseFederationOptions,
  type IndexQuery,
} from './federation.js';
import type { IndexEngine } from './index-engine.js';
import { runSearch } from './search.js';
import { parseSearchParams } from './search-params.js';

/** `POST /multi-search`, plain or federated (emulator.md §2.8). `resolve` throws
 *  index_not_found, `checkIndex` invalid_api_key when the key may not search an index. */
export function multiSearch(
  body: unknown,
  resolve: (uid: string) => IndexEngine,
  checkIndex?: (uid: string) => void,
  /** The filter a tenant token adds to searches on an index. */
  extraFilterOf: (uid: string) => unknown = () => null,
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
  if (!Array.isArray(queries)) {
    throw new MeiliError('bad_request', 'Invalid value type at `.queries`: expected an array');
  }
  const federated = federation !== undefined && federation !== null;
  const options = federated ? parseFederation(federation) : undefined;
  const parsed = queries.map((q, i) => inside(i, () => splitQuery(q, federated)));
  if (!options) {
    return {
      results: parsed.map(({ indexUid, params }, i) =>
        inside(i, () => {
          checkIndex?.(indexUid);
          const extraFilter = extraFilterOf(indexUid);
          return {
            indexUid,
            ...inIndex(indexUid, () => runSearch(resolve(indexUid), params, { extraFilter })),
          };
        }),
      ),
    };
  }
  return federate(parsed, options, (i, run) => inside(i, run), resolve, checkIndex, extraFilterOf);
}

function splitQuery(query: unknown, federated: boolean): IndexQuery {
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
