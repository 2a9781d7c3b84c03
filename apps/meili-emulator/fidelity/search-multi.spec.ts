/** Multi-search, plain and federated (emulator.md §2.8). */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
let movies: string;
let books: string;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
  movies = await api.createIndex('multi-movies', {
    primaryKey: 'id',
    documents: [
      { id: 1, title: 'Dune', genre: 'scifi' },
      { id: 2, title: 'Dune Part Two', genre: 'scifi' },
      { id: 3, title: 'Carol', genre: 'romance' },
    ],
    settings: { filterableAttributes: ['genre'] },
  });
  books = await api.createIndex('multi-books', {
    primaryKey: 'id',
    documents: [
      { id: 'b1', title: 'Dune Messiah' },
      { id: 'b2', title: 'Dune' },
    ],
  });
});
afterAll(async () => {
  await api.deleteIndex(movies);
  await api.deleteIndex(books);
  await target.close();
});

describe('multi-search', () => {
  scenario('plain: one result per query, in query order, each with its indexUid', async () => {
    const reply = await api.request('POST', '/multi-search', {
      queries: [
        { indexUid: books, q: 'dune', limit: 1 },
        { indexUid: movies, q: 'carol' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toHaveLength(2);
    expect(reply.body.results[0]).toMatchObject({
      indexUid: books,
      query: 'dune',
      limit: 1,
      offset: 0,
      estimatedTotalHits: 2,
      hits: [{ id: 'b2' }],
    });
    expect(reply.body.results[1]).toMatchObject({
      indexUid: movies,
      hits: [{ id: 3, title: 'Carol', genre: 'romance' }],
    });
  });

  scenario('plain: a failing query fails the request with its code', async () => {
    const reply = await api.request('POST', '/multi-search', {
      queries: [
        { indexUid: movies, q: 'dune' },
        { indexUid: movies, filter: 'title = dune' },
      ],
    });
    expectError(reply, 400, 'invalid_search_filter');
    expectError(
      await api.request('POST', '/multi-search', { queries: [{ indexUid: randomUid('none') }] }),
      404,
      'index_not_found',
    );
    expectError(
      await api.request('POST', '/multi-search', { queries: [{ q: 'dune' }] }),
      400,
      'missing_index_uid',
    );
    expectError(await api.request('POST', '/multi-search', {}), 400, 'bad_request');
    expectError(
      await api.request('POST', '/multi-search', {
        queries: [{ indexUid: movies, federationOptions: { weight: 2 } }],
      }),
      400,
      'invalid_multi_search_federation_options',
    );
  });

  scenario(
    'federated: hits merged by weighted score with _federation, paged by federation limit/offset',
    async () => {
      const reply = await api.request('POST', '/multi-search', {
        federation: { limit: 3, offset: 0 },
        queries: [
          { indexUid: movies, q: 'dune', showRankingScore: true },
          { indexUid: books, q: 'dune', federationOptions: { weight: 0.5 } },
        ],
      });
      expect(reply.status).toBe(200);
      const body = reply.body;
      expect(body).toMatchObject({ limit: 3, offset: 0, estimatedTotalHits: 4 });
      expect(body.hits.map((h: { id: unknown }) => h.id)).toEqual([1, 2, 'b2']);
      expect(body.hits[0]._federation).toMatchObject({
        indexUid: movies,
        queriesPosition: 0,
        weightedRankingScore: 1,
      });
      expect(body.hits[0]._rankingScore).toBe(1);
      expect(body.hits[2]._federation).toMatchObject({
        indexUid: books,
        queriesPosition: 1,
        weightedRankingScore: 0.5,
      });
      const scores = body.hits.map(
        (h: { _federation: { weightedRankingScore: number } }) =>
          h._federation.weightedRankingScore,
      );
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      const next = await api.request('POST', '/multi-search', {
        federation: { limit: 10, offset: 3 },
        queries: [
          { indexUid: movies, q: 'dune' },
          { indexUid: books, q: 'dune', federationOptions: { weight: 0.5 } },
        ],
      });
      expect(next.body.hits.map((h: { id: unknown }) => h.id)).toEqual(['b1']);
    },
  );

  scenario('federated: equal scores keep query order', async () => {
    const reply = await api.request('POST', '/multi-search', {
      federation: {},
      queries: [
        { indexUid: books, q: 'dune' },
        { indexUid: movies, q: 'dune' },
      ],
    });
    expect(
      reply.body.hits
        .slice(0, 2)
        .map((h: { _federation: { indexUid: string } }) => h._federation.indexUid),
    ).toEqual([books, movies]);
  });

  scenario('federated: per-query paging or facets are refused', async () => {
    const paging = await api.request('POST', '/multi-search', {
      federation: {},
      queries: [{ indexUid: movies, limit: 5 }],
    });
    expectError(paging, 400, 'invalid_multi_search_query_pagination');
    const facets = await api.request('POST', '/multi-search', {
      federation: {},
      queries: [{ indexUid: movies, facets: ['genre'] }],
    });
    expectError(facets, 400, 'invalid_multi_search_query_facets');
  });
});
