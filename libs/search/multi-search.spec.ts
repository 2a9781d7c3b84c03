import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import type { Hit, SearchReply } from '#lib/node-client';
import {
  mergeFederatedSearch,
  mergeMultiSearch,
  planFederatedUnion,
  planMultiSearch,
  type FederatedSearchPlan,
  type PlainMultiSearchPlan,
} from '#lib/search';
import { roundRobinCovering, searchContext } from './search-fixtures.js';

const lookup = (indexUid: string) => {
  if (indexUid === 'missing') throw new MeiliError('index_not_found', 'Index `missing` not found.');
  return searchContext({
    indexUid,
    nodeUid: `${indexUid}-1`,
    shards: 4,
    covering: roundRobinCovering(4, ['meili-0', 'meili-1']),
  });
};

const hit = (id: number, score: number, extra: Partial<Hit> = {}): Hit => ({
  id,
  _rankingScore: score,
  _rankingScoreDetails: { words: { order: 0, score } },
  _miroir_shard: 0,
  ...extra,
});
const reply = (hits: Hit[], extra: Partial<SearchReply> = {}): SearchReply => ({
  hits,
  query: '',
  processingTimeMs: 1,
  estimatedTotalHits: hits.length,
  ...extra,
});

function refusal(body: unknown): string {
  try {
    planMultiSearch(body, lookup);
  } catch (e) {
    const err = e as MeiliError;
    return `${err.code}: ${err.message}`;
  }
  return 'accepted';
}

describe('plain multi-search', () => {
  it('plans and merges every query on its own, in query order', () => {
    const plan = planMultiSearch(
      {
        queries: [
          { indexUid: 'movies', q: 'a', limit: 1 },
          { indexUid: 'books', q: 'b' },
        ],
      },
      lookup,
    ) as PlainMultiSearchPlan;
    expect(plan.federated).toBe(false);
    expect(plan.queries.map((q) => [q.indexUid, q.plan.requests.length, q.plan.merge.end])).toEqual(
      [
        ['movies', 2, 1],
        ['books', 2, 20],
      ],
    );
    const merged = mergeMultiSearch(plan, [
      [reply([hit(1, 0.5)]), reply([hit(2, 0.9)])],
      [reply([hit(3, 0.1)]), reply([])],
    ]);
    expect(
      merged.results.map((r) => [r.indexUid, r.hits.map((h) => h.id), r.estimatedTotalHits]),
    ).toEqual([
      ['movies', [2], 2],
      ['books', [3], 1],
    ]);
  });

  it('refuses like Meilisearch, naming the query', () => {
    expect(refusal({})).toBe('bad_request: Missing field `queries`');
    expect(refusal({ queries: [{ q: 'x' }] })).toBe(
      'missing_index_uid: Missing field `indexUid` inside `.queries[0]`',
    );
    expect(refusal({ queries: [{ indexUid: 'movies' }, { indexUid: 'missing' }] })).toBe(
      'index_not_found: Inside `.queries[1]`: Index `missing` not found.',
    );
    expect(refusal({ queries: [{ indexUid: 'movies', limit: 'x' }] })).toMatch(
      /^invalid_search_limit: Inside `.queries\[0\]`: /,
    );
    expect(
      refusal({ queries: [{ indexUid: 'movies', federationOptions: { weight: 2 } }] }),
    ).toMatch(/^invalid_multi_search_federation_options: /);
  });
});

describe('federated multi-search', () => {
  const body = {
    federation: { offset: 1, limit: 3, facetsByIndex: { movies: ['genre'] } },
    queries: [
      { indexUid: 'movies', q: 'a' },
      { indexUid: 'books', q: 'b', federationOptions: { weight: 2 } },
      { indexUid: 'movies', q: 'c', showRankingScore: true },
    ],
  };

  it('asks every query for the federation window, and each node for its part of the union', () => {
    const plan = planMultiSearch(body, lookup) as FederatedSearchPlan;
    expect(plan.describe().split('\n')[0]).toBe(
      'federated offset=1 limit=3 facetsByIndex={"movies":["genre"]} mergeFacets=null',
    );
    expect(
      plan.queries.map((q) => [q.weight, q.plan.merge.end, q.plan.requests[0]!.body.facets]),
    ).toEqual([
      [1, 4, undefined],
      [2, 4, undefined],
      [1, 4, undefined],
    ]);
    // federated/perform.rs counts totals and facets over each index's union of queries: every
    // node answers that for its own shards (limit 0), so the sums are exact.
    const union = planFederatedUnion(plan);
    expect(union.map((u) => u.nodeId)).toEqual(['meili-0', 'meili-1']);
    for (const u of union) {
      expect(u.body.federation).toEqual({
        limit: 0,
        offset: 0,
        facetsByIndex: { 'movies-1': ['genre'] },
      });
      expect(u.body.queries.map((q) => [q.indexUid, q.q])).toEqual([
        ['movies-1', 'a'],
        ['books-1', 'b'],
        ['movies-1', 'c'],
      ]);
      expect(u.body.queries.every((q) => String(q.filter).includes('_miroir_shard'))).toBe(true);
      expect(u.body.queries.some((q) => 'showRankingScore' in q || 'limit' in q)).toBe(false);
    }
  });

  it('orders by weighted score, ties by query position, then each query order', () => {
    const plan = planMultiSearch(body, lookup) as FederatedSearchPlan;
    const merged = mergeFederatedSearch(
      plan,
      [
        [
          reply([hit(1, 0.9), hit(2, 0.4)], { facetDistribution: { genre: { sf: 2 } } }),
          reply([hit(3, 0.8)], { facetDistribution: { genre: { sf: 1, noir: 1 } } }),
        ],
        [reply([hit(10, 0.45)]), reply([hit(11, 0.2)])],
        [reply([hit(20, 0.9)]), reply([])],
      ],
      [
        {
          estimatedTotalHits: 4,
          facetsByIndex: { 'movies-1': { distribution: { genre: { sf: 2 } } } },
        },
        {
          estimatedTotalHits: 2,
          facetsByIndex: { 'movies-1': { distribution: { genre: { sf: 1, noir: 1 } } } },
        },
      ],
      7,
    );
    // All 0.9 after weighting: movies 1 (query 0) is skipped by the offset, then query order.
    expect(merged.hits.map((h) => [h.id, h._federation])).toEqual([
      [10, { indexUid: 'books', queriesPosition: 1, weightedRankingScore: 0.9 }],
      [20, { indexUid: 'movies', queriesPosition: 2, weightedRankingScore: 0.9 }],
      [3, { indexUid: 'movies', queriesPosition: 0, weightedRankingScore: 0.8 }],
    ]);
    expect(merged.hits[1]).toHaveProperty('_rankingScore', 0.9); // query 2 asked for it
    expect(merged.hits[0]).not.toHaveProperty('_rankingScore');
    expect(merged.hits[0]).not.toHaveProperty('_miroir_shard');
    expect(merged).toMatchObject({
      processingTimeMs: 7,
      offset: 1,
      limit: 3,
      estimatedTotalHits: 6,
    });
    expect(merged.facetsByIndex).toEqual({
      movies: { distribution: { genre: { noir: 1, sf: 3 } }, stats: {} },
    });
  });

  // federated/perform.rs: a document found by two queries on one index is kept once, from its
  // best-ranked query (`documents_seen`); no dedup across indexes.
  it('keeps a document two queries on one index found once, from its best query', () => {
    const plan = planMultiSearch(
      {
        federation: {},
        queries: [
          { indexUid: 'movies', q: 'a' },
          { indexUid: 'movies', q: 'b' },
          { indexUid: 'books', q: 'a' },
        ],
      },
      lookup,
    ) as FederatedSearchPlan;
    const merged = mergeFederatedSearch(
      plan,
      [
        [reply([hit(1, 0.5), hit(2, 0.4)])],
        [reply([hit(2, 0.9), hit(3, 0.3)])],
        [reply([hit(2, 0.8)])],
      ],
      [],
    );
    expect(
      merged.hits.map((h) => [h._federation!.indexUid, h.id, h._federation!.queriesPosition]),
    ).toEqual([
      ['movies', 2, 1],
      ['books', 2, 2],
      ['movies', 1, 0],
      ['movies', 3, 1],
    ]);
  });

  // score_details.rs `weighted_score_values` + federated comparator: sort values of the same
  // direction are compared directly, before any later relevancy group.
  it('compares sort values across queries', () => {
    const plan = planMultiSearch(
      {
        federation: {},
        queries: [
          { indexUid: 'movies', q: '', sort: ['year:asc'] },
          { indexUid: 'books', q: '', sort: ['year:asc'] },
        ],
      },
      lookup,
    ) as FederatedSearchPlan;
    const byYear = (id: number, year: number): Hit => ({
      id,
      _rankingScore: 1,
      _rankingScoreDetails: { 'year:asc': { order: 0, value: year } },
    });
    const merged = mergeFederatedSearch(
      plan,
      [[reply([byYear(1, 1990), byYear(2, 2010)])], [reply([byYear(10, 1980), byYear(11, 2000)])]],
      [],
    );
    expect(merged.hits.map((h) => h.id)).toEqual([10, 1, 11, 2]);
  });

  it('merges facets across indexes with mergeFacets', () => {
    const plan = planMultiSearch(
      {
        federation: {
          facetsByIndex: { movies: ['genre'], books: ['genre'] },
          mergeFacets: { maxValuesPerFacet: 1 },
        },
        queries: [{ indexUid: 'movies' }, { indexUid: 'books' }],
      },
      lookup,
    ) as FederatedSearchPlan;
    const merged = mergeFederatedSearch(
      plan,
      [[reply([])], [reply([])]],
      [
        {
          facetsByIndex: {
            'movies-1': {
              distribution: { genre: { sf: 2 } },
              stats: { year: { min: 1990, max: 2000 } },
            },
            'books-1': {
              distribution: { genre: { art: 1, sf: 1 } },
              stats: { year: { min: 1850, max: 1900 } },
            },
          },
        },
      ],
    );
    expect(merged.facetDistribution).toEqual({ genre: { art: 1 } });
    expect(merged.facetStats).toEqual({ year: { min: 1850, max: 2000 } });
    expect(merged).not.toHaveProperty('facetsByIndex');
  });

  it('refuses per-query paging and facets, and federation pages', () => {
    const fed = (q: Record<string, unknown>, federation: Record<string, unknown> = {}) =>
      refusal({ federation, queries: [{ indexUid: 'movies', ...q }] }).split(':')[0];
    expect(fed({ limit: 5 })).toBe('invalid_multi_search_query_pagination');
    expect(fed({ page: 1 })).toBe('invalid_multi_search_query_pagination');
    expect(fed({ facets: ['genre'] })).toBe('invalid_multi_search_query_facets');
    expect(fed({ federationOptions: { weight: -1 } })).toBe('invalid_multi_search_weight');
    expect(fed({}, { page: 2 })).toBe('miroir_unsupported');
    expect(fed({}, { limit: -2 })).toBe('invalid_multi_search_federation_limit');
    expect(fed({})).toBe('accepted');
  });
});
