import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import { multiSearch, type IndexEngine } from './index.js';
import { codeOf, engineWith } from './test-helpers.js';

const engines: Record<string, IndexEngine> = {
  movies: engineWith(
    [
      { id: 1, title: 'Dune' },
      { id: 2, title: 'Dune Part Two' },
      { id: 3, title: 'Carol' },
    ],
    { filterableAttributes: ['title'] },
  ),
  books: engineWith([
    { id: 'b1', title: 'Dune Messiah' },
    { id: 'b2', title: 'Dune' },
  ]),
};
const resolve = (uid: string) => {
  const engine = engines[uid];
  if (!engine) throw new MeiliError('index_not_found', `Index \`${uid}\` not found.`);
  return engine;
};

type Hit = {
  id: unknown;
  _federation: { indexUid: string; queriesPosition: number; weightedRankingScore: number };
};

describe('multiSearch', () => {
  it('answers one result per query in order', () => {
    const res = multiSearch(
      {
        queries: [
          { indexUid: 'books', q: 'dune' },
          { indexUid: 'movies', q: 'carol' },
        ],
      },
      resolve,
    );
    const results = res.results as Array<Record<string, unknown>>;
    expect(results.map((r) => r.indexUid)).toEqual(['books', 'movies']);
    expect(results[1]).toMatchObject({ hits: [{ id: 3 }], estimatedTotalHits: 1 });
  });

  it('orders federated hits by weighted score, then query position, then rank', () => {
    const res = multiSearch(
      {
        federation: { limit: 10 },
        queries: [
          { indexUid: 'books', q: 'dune', federationOptions: { weight: 1 } },
          { indexUid: 'movies', q: 'dune' },
        ],
      },
      resolve,
    );
    const hits = res.hits as Hit[];
    expect(hits.map((h) => `${h._federation.indexUid}:${String(h.id)}`)).toEqual([
      'books:b2',
      'movies:1',
      'books:b1', // same score as movies:2: the earlier query wins
      'movies:2',
    ]);
    expect(res).toMatchObject({ limit: 10, offset: 0, estimatedTotalHits: 4 });
    const weighted = multiSearch(
      {
        federation: {},
        queries: [
          { indexUid: 'books', q: 'dune', federationOptions: { weight: 0.5 } },
          { indexUid: 'movies', q: 'dune' },
        ],
      },
      resolve,
    );
    expect((weighted.hits as Hit[]).map((h) => h.id)).toEqual([1, 2, 'b2', 'b1']);
    expect((weighted.hits as Hit[])[2]!._federation.weightedRankingScore).toBe(0.5);
  });

  it('pages federated results and counts facets by index', () => {
    const res = multiSearch(
      {
        federation: { offset: 1, limit: 2, facetsByIndex: { movies: ['title'] } },
        queries: [{ indexUid: 'movies', q: 'dune' }],
      },
      resolve,
    );
    expect((res.hits as Hit[]).map((h) => h.id)).toEqual([2]);
    expect(res.facetsByIndex).toEqual({
      movies: { distribution: { title: { Dune: 1, 'Dune Part Two': 1 } }, stats: {} },
    });
    const merged = multiSearch(
      {
        federation: {
          facetsByIndex: { movies: ['title'], books: [] },
          mergeFacets: { maxValuesPerFacet: 1 },
        },
        queries: [{ indexUid: 'movies', q: 'dune' }, { indexUid: 'books' }],
      },
      resolve,
    );
    expect(merged).toMatchObject({ facetDistribution: { title: { Dune: 1 } }, facetStats: {} });
    expect(merged).not.toHaveProperty('facetsByIndex');
  });

  it('checks facetsByIndex: filterable facets of queried indexes', () => {
    const query = (facetsByIndex: object, indexUid: string) =>
      codeOf(() =>
        multiSearch({ federation: { facetsByIndex }, queries: [{ indexUid }] }, resolve),
      );
    expect(query({ books: ['title'] }, 'books')).toBe('invalid_multi_search_facets');
    expect(query({ books: [] }, 'movies')).toBe('invalid_multi_search_facets_by_index');
  });

  it('prefixes errors with the query position and keeps their code', () => {
    let error: MeiliError | undefined;
    try {
      multiSearch(
        { queries: [{ indexUid: 'movies' }, { indexUid: 'movies', limit: -1 }] },
        resolve,
      );
    } catch (err) {
      error = err as MeiliError;
    }
    expect(error?.code).toBe('invalid_search_limit');
    expect(error?.message.startsWith('Inside `.queries[1]`: ')).toBe(true);
  });

  it.each([
    [{}, 'bad_request'],
    [{ queries: {} }, 'bad_request'],
    [{ queries: [{ q: 'x' }] }, 'missing_index_uid'],
    [{ queries: [{ indexUid: 'no such index!' }] }, 'invalid_index_uid'],
    [{ queries: [{ indexUid: 'nope' }] }, 'index_not_found'],
    [
      { queries: [{ indexUid: 'movies', federationOptions: {} }] },
      'invalid_multi_search_federation_options',
    ],
    [
      { federation: {}, queries: [{ indexUid: 'movies', page: 1 }] },
      'invalid_multi_search_query_pagination',
    ],
    [
      { federation: {}, queries: [{ indexUid: 'movies', facets: [] }] },
      'invalid_multi_search_query_facets',
    ],
    [
      { federation: {}, queries: [{ indexUid: 'movies', federationOptions: { remote: 'x' } }] },
      'emulator_unsupported',
    ],
    [
      { federation: {}, queries: [{ indexUid: 'movies', federationOptions: { weight: -1 } }] },
      'invalid_multi_search_weight',
    ],
    [{ federation: { page: 1 }, queries: [] }, 'bad_request'],
    [{ federation: { limit: -1 }, queries: [] }, 'invalid_search_limit'],
    [
      { federation: { mergeFacets: { maxValuesPerFacet: 'x' } }, queries: [] },
      'invalid_multi_search_max_values_per_facet',
    ],
    [{ federation: { mergeFacets: 1 }, queries: [] }, 'invalid_multi_search_merge_facets'],
    [{ federation: { facetsByIndex: [] }, queries: [] }, 'invalid_multi_search_facets_by_index'],
  ])('rejects %j with %s', (body, code) => {
    expect(codeOf(() => multiSearch(body, resolve))).toBe(code);
  });

  it('checks each queried index with the caller', () => {
    const denied = (uid: string) => {
      if (uid === 'books')
        throw new MeiliError('invalid_api_key', 'The provided API key is invalid.');
    };
    expect(
      codeOf(() =>
        multiSearch({ queries: [{ indexUid: 'movies' }, { indexUid: 'books' }] }, resolve, denied),
      ),
    ).toBe('invalid_api_key');
  });
});
