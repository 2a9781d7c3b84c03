import { describe, expect, it } from '@jest/globals';
import { orderFacets } from './facets.js';
import { codeOf, engineWith } from './test-helpers.js';

const docs = [
  { id: 1, size: 9, genre: 'Éclair', tags: ['b', 'a'] },
  { id: 2, size: 10, genre: 'eclair', tags: ['a'] },
  { id: 3, size: 100, genre: 'Zebra', tags: ['c'] },
  { id: 4, size: 'big', genre: 'apple', tags: [] },
];

describe('facet ordering (emulator.md §4.10)', () => {
  it('alpha: numbers by decimal text, then strings by normalised text, shown as first seen', () => {
    const res = engineWith(docs, { filterableAttributes: ['size', 'genre'] }).search({
      facets: ['size', 'genre'],
    });
    const dist = res.facetDistribution as Record<string, Record<string, number>>;
    // JavaScript enumerates integer-like keys numerically: check the survivors here, the order below.
    expect(dist.size).toEqual({ '9': 1, '10': 1, '100': 1, big: 1 });
    expect(dist.genre).toEqual({ apple: 1, Éclair: 2, Zebra: 1 });
    expect(res.facetStats).toEqual({ size: { min: 9, max: 100 } });
  });

  it('orders numbers by their decimal text before strings', () => {
    const values = [9, 10, 100].map((n) => ({
      value: String(n),
      key: String(n),
      isNumber: true,
      count: 1,
    }));
    const strings = ['b', 'A'].map((v) => ({
      value: v,
      key: v.toLowerCase(),
      isNumber: false,
      count: v === 'b' ? 3 : 1,
    }));
    expect(orderFacets([...strings, ...values], 'alpha').map((v) => v.value)).toEqual([
      '10',
      '100',
      '9',
      'A',
      'b',
    ]);
    expect(orderFacets([...strings, ...values], 'count').map((v) => v.value)).toEqual([
      'b',
      '10',
      '100',
      '9',
      'A',
    ]);
  });

  it('count: most frequent first, ties in alpha order, cut at maxValuesPerFacet', () => {
    const engine = engineWith(docs, {
      filterableAttributes: ['tags'],
      faceting: { maxValuesPerFacet: 2, sortFacetValuesBy: { '*': 'count' } },
    });
    expect(
      (engine.search({ facets: ['tags'] }).facetDistribution as Record<string, object>).tags,
    ).toEqual({ a: 2, b: 1 });
  });
});

describe('facet search (emulator.md §2.7)', () => {
  const engine = engineWith(docs, { filterableAttributes: ['genre', 'size'] });

  it('finds string values by normalised prefix, with typos by length', () => {
    expect(engine.facetSearch({ facetName: 'genre', facetQuery: 'ECL' })).toEqual({
      facetHits: [{ value: 'Éclair', count: 2 }],
      facetQuery: 'ECL',
    });
    expect(engine.facetSearch({ facetName: 'genre', facetQuery: 'zebar' })).toMatchObject({
      facetHits: [{ value: 'Zebra', count: 1 }],
    });
    expect(engine.facetSearch({ facetName: 'genre', facetQuery: 'xebra' })).toMatchObject({
      facetHits: [],
    });
    expect(engine.facetSearch({ facetName: 'size' })).toEqual({
      facetHits: [{ value: 'big', count: 1 }],
      facetQuery: null,
    });
  });

  it('counts only documents matching q and filter', () => {
    expect(engine.facetSearch({ facetName: 'genre', filter: 'size < 50' })).toEqual({
      facetHits: [{ value: 'Éclair', count: 2 }],
      facetQuery: null,
    });
    expect(engine.facetSearch({ facetName: 'genre', q: 'zebra' }).facetHits).toEqual([
      { value: 'Zebra', count: 1 },
    ]);
  });

  it.each([
    [{}, 'missing_facet_search_facet_name'],
    [{ facetName: 'id' }, 'invalid_facet_search_facet_name'],
    [{ facetName: 1 }, 'invalid_facet_search_facet_name'],
    [{ facetName: 'genre', facetQuery: [] }, 'invalid_facet_search_facet_query'],
    [
      { facetName: 'genre', exhaustiveFacetCount: 'yes' },
      'invalid_facet_search_exhaustive_facet_count',
    ],
    [{ facetName: 'genre', filter: 'id = 1' }, 'invalid_search_filter'],
    [{ facetName: 'genre', offset: 1 }, 'bad_request'],
  ])('rejects %j with %s', (params, code) => {
    expect(codeOf(() => engine.facetSearch(params))).toBe(code);
  });

  it('refuses when facet search is disabled or the feature is off for the field', () => {
    const off = engineWith(docs, { filterableAttributes: ['genre'], facetSearch: false });
    expect(codeOf(() => off.facetSearch({ facetName: 'genre' }))).toBe('facet_search_disabled');
    const noFeature = engineWith(docs, {
      filterableAttributes: [{ attributePatterns: ['genre'] }],
    });
    expect(codeOf(() => noFeature.facetSearch({ facetName: 'genre' }))).toBe(
      'invalid_facet_search_facet_name',
    );
  });
});
