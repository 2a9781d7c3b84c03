import { describe, expect, it } from '@jest/globals';
import type { Hit, SearchReply } from '#lib/node-client';
import { mergeSearch, planSearch } from '#lib/search';
import { searchContext } from './search-fixtures.js';

const reply = (
  hits: Hit[],
  total = hits.length,
  extra: Partial<SearchReply> = {},
): SearchReply => ({
  hits,
  query: 'x',
  processingTimeMs: 3,
  estimatedTotalHits: total,
  ...extra,
});

const sorted = (id: number | string, value: unknown, rule = 'price:asc', score = 1): Hit => ({
  id,
  _rankingScore: score,
  _rankingScoreDetails: { words: { order: 0, score }, [rule]: { order: 1, value } },
});

describe('mergeSearch', () => {
  it('orders sort values numbers first, then strings by bytes, missing last, both directions', () => {
    const asc = planSearch({ q: 'x', sort: ['price:asc'] }, searchContext());
    const merged = mergeSearch(asc, [
      reply([sorted(1, 2), sorted(2, 'b'), sorted(3, null)]),
      reply([sorted(4, 10), sorted(5, 'a'), sorted(6, 'é')]),
    ]);
    expect(merged.hits.map((h) => h.id)).toEqual([1, 4, 5, 2, 6, 3]);

    const desc = planSearch({ q: 'x', sort: ['price:desc'] }, searchContext());
    const mergedDesc = mergeSearch(desc, [
      reply([
        sorted(1, 10, 'price:desc'),
        sorted(2, 'b', 'price:desc'),
        sorted(3, null, 'price:desc'),
      ]),
      reply([sorted(4, 2, 'price:desc'), sorted(5, 'a', 'price:desc')]),
    ]);
    expect(mergedDesc.hits.map((h) => h.id)).toEqual([1, 4, 2, 5, 3]);
  });

  // milli search/new/geo_sort.rs: details `{value: {lat, lng}, distance}`; nearest first for asc,
  // documents without `_geo` (distance null) last in both directions.
  it('merges a geo sort by distance, missing last, both directions', () => {
    const geo = (id: number, distance: number | null, dir = 'asc'): Hit => ({
      id,
      _rankingScoreDetails: {
        [`_geoPoint(48.8, 2):${dir}`]: {
          order: 0,
          value: distance === null ? null : { lat: 48.8, lng: 2 },
          distance,
        },
      },
    });
    const asc = planSearch({ q: '', sort: ['_geoPoint(48.8, 2):asc'] }, searchContext());
    const near = mergeSearch(asc, [
      reply([geo(1, 10), geo(2, 5000), geo(3, null)]),
      reply([geo(4, 20), geo(5, 4000)]),
    ]);
    expect(near.hits.map((h) => h.id)).toEqual([1, 4, 5, 2, 3]);
    const desc = planSearch({ q: '', sort: ['_geoPoint(48.8, 2):desc'] }, searchContext());
    const far = mergeSearch(desc, [
      reply([geo(2, 5000, 'desc'), geo(1, 10, 'desc'), geo(3, null, 'desc')]),
      reply([geo(5, 4000, 'desc'), geo(4, 20, 'desc')]),
    ]);
    expect(far.hits.map((h) => h.id)).toEqual([2, 5, 4, 1, 3]);
  });

  // milli search/new/distinct.rs `distinct_single_docid` and lib.rs `normalize_facet`: values are
  // compared normalised (trim, NFKD, lowercase), numbers apart from strings, array items one hop.
  it('keeps the best hit per normalised distinct value, one hop for arrays', () => {
    const hit = (id: number, brand: unknown, score: number): Hit => ({
      id,
      brand,
      _rankingScore: score,
      _rankingScoreDetails: { words: { order: 0, score } },
    });
    const plan = planSearch({ q: 'x', distinct: 'brand' }, searchContext());
    const merged = mergeSearch(plan, [
      reply([hit(1, 'Red', 0.9), hit(2, 1, 0.7), hit(3, ['x', 'y'], 0.5)]),
      reply([hit(4, ' red', 0.8), hit(5, '1', 0.6), hit(6, ['y', 'z'], 0.4), hit(7, ['z'], 0.3)]),
      reply([hit(8, 'RÉD', 0.2), hit(9, undefined, 0.1), hit(10, null, 0.05)]),
    ]);
    // " red" is "red" (dropped); "RÉD" normalises to "re\u0301d" (kept); 1 and "1" differ;
    // ["y","z"] shares "y" with a kept hit (dropped), so ["z"] is kept.
    expect(merged.hits.map((h) => h.id)).toEqual([1, 2, 5, 3, 7, 8, 9, 10]);
  });

  it('compares rules in detail order: an earlier rule outranks a later one', () => {
    const hit = (id: number, words: number, typo: number): Hit => ({
      id,
      _rankingScoreDetails: { typo: { order: 1, score: typo }, words: { order: 0, score: words } },
    });
    const merged = mergeSearch(planSearch({ q: 'x' }, searchContext()), [
      reply([hit(1, 1, 0.2), hit(2, 0.5, 1)]),
      reply([hit(3, 1, 0.9), hit(4, 0.5, 0.5)]),
    ]);
    expect(merged.hits.map((h) => h.id)).toEqual([3, 1, 2, 4]);
  });

  it('ranks a hit whose details do not fit its reply from its own details', () => {
    const merged = mergeSearch(planSearch({ q: 'x' }, searchContext()), [
      reply([
        {
          id: 1,
          _rankingScoreDetails: { words: { order: 0, score: 1 }, typo: { order: 1, score: 0.5 } },
        },
        {
          id: 2,
          _rankingScoreDetails: { words: { order: 0, score: 0.5 }, typo: { order: 2, score: 1 } },
        },
        { id: 3, _rankingScoreDetails: { typo: { order: 0, score: 0.1 } } },
      ]),
      reply([{ id: 4, _rankingScoreDetails: { words: { order: 0, score: 0.75 } } }]),
    ]);
    expect(merged.hits.map((h) => h.id)).toEqual([1, 4, 2, 3]);
  });

  it('breaks ties by primary key: numbers numerically, then strings by bytes', () => {
    const tie = (id: number | string): Hit => ({ id, _rankingScoreDetails: {} });
    const merged = mergeSearch(planSearch({}, searchContext()), [
      reply([tie(2), tie(10), tie('a')]),
      reply([tie(9), tie('B')]),
    ]);
    expect(merged.hits.map((h) => h.id)).toEqual([2, 9, 10, 'B', 'a']);
  });

  it('strips reserved fields, unrequested ranking fields and attributes added for merging', () => {
    const plan = planSearch(
      {
        q: 'x',
        attributesToRetrieve: ['title', 'brand.id'],
        distinct: 'brand.name',
        showRankingScore: true,
      },
      searchContext(),
    );
    expect(plan.merge.addedAttributes).toEqual(['id', 'brand.name']);
    const hit: Hit = {
      id: 1,
      title: 'T',
      brand: { id: 7, name: 'acme' },
      _miroir_shard: 3,
      _formatted: {
        id: '1',
        title: '<em>T</em>',
        _miroir_shard: '3',
        brand: { id: '7', name: 'acme' },
      },
      _rankingScore: 0.5,
      _rankingScoreDetails: { words: { order: 0, score: 0.5 } },
    };
    const merged = mergeSearch(plan, [reply([hit])]);
    expect(merged.hits).toEqual([
      {
        title: 'T',
        brand: { id: 7 },
        _formatted: { title: '<em>T</em>', brand: { id: '7' } },
        _rankingScore: 0.5,
      },
    ]);
    expect(hit._miroir_shard).toBe(3); // the node reply is left as it was
  });

  it('keeps the best hit per distinct value across shards, and every hit without the attribute', () => {
    const plan = planSearch({ q: 'x', distinct: 'sku' }, searchContext());
    const hit = (id: number, score: number, sku?: string): Hit => ({
      id,
      ...(sku === undefined ? {} : { sku }),
      _rankingScoreDetails: { words: { order: 0, score } },
    });
    const merged = mergeSearch(plan, [
      reply([hit(1, 0.9, 'a'), hit(2, 0.5, 'b'), hit(5, 0.1)]),
      reply([hit(3, 0.8, 'b'), hit(4, 0.7, 'a'), hit(6, 0.05)]),
    ]);
    expect(merged.hits.map((h) => h.id)).toEqual([1, 3, 5, 6]);
  });

  it('answers with the client paging, totals summed and capped', () => {
    const ctx = searchContext({ settings: { maxTotalHits: 50 } });
    const hits = (ids: number[]) => ids.map((id) => ({ id, _rankingScoreDetails: {} }));
    const offset = mergeSearch(planSearch({ q: 'dune', offset: 1, limit: 2 }, ctx), [
      reply(hits([1, 3, 5]), 30),
      reply(hits([2, 4]), 25),
    ]);
    expect(offset).toEqual({
      hits: [{ id: 2 }, { id: 3 }],
      query: 'dune',
      processingTimeMs: 0,
      limit: 2,
      offset: 1,
      estimatedTotalHits: 50,
    });
    const page = mergeSearch(
      planSearch({ page: 2, hitsPerPage: 2 }, ctx),
      [reply(hits([1, 3, 5]), 0, { totalHits: 3 }), reply(hits([2, 4]), 0, { totalHits: 2 })],
      12,
    );
    expect(page).toEqual({
      hits: [{ id: 3 }, { id: 4 }],
      query: '',
      processingTimeMs: 12,
      hitsPerPage: 2,
      page: 2,
      totalPages: 3,
      totalHits: 5,
    });
  });

  it('merges facets: summed, truncated, reserved attributes dropped, stats min/max', () => {
    const plan = planSearch(
      { q: 'x', facets: ['*'] },
      searchContext({ settings: { maxValuesPerFacet: 2 } }),
    );
    const merged = mergeSearch(plan, [
      reply([], 0, {
        facetDistribution: { genre: { sf: 2, drama: 1 }, _miroir_shard: { '1': 3 } },
        facetStats: { price: { min: 3, max: 9 }, _miroir_shard: { min: 1, max: 1 } },
      }),
      reply([], 0, {
        facetDistribution: { genre: { Drama: 4, doc: 1 } },
        facetStats: { price: { min: 1, max: 5 } },
      }),
    ]);
    expect(merged.facetDistribution).toEqual({ genre: { doc: 1, Drama: 5 } });
    expect(merged.facetStats).toEqual({ price: { min: 1, max: 9 } });
  });
});
