import { shardFilter } from '#lib/routing';
import { describe, expect, it } from '@jest/globals';
import {
  mergeFacetDistributions,
  mergeFacetSearch,
  orderFacetValues,
  planFacetSearch,
} from '#lib/search';
import { MeiliError } from '#lib/errors';
import { roundRobinCovering, searchContext } from './search-fixtures.js';

describe('orderFacetValues', () => {
  const values = [
    { value: 'b', count: 1 },
    { value: '10', count: 5 },
    { value: 'A', count: 5 },
    { value: '9', count: 2 },
    { value: '-1.5', count: 1 },
    { value: 'é', count: 9 },
  ];

  // crates/milli/src/search/facet/facet_distribution.rs: numbers are inserted before strings;
  // `alpha` with ≤ 3000 candidates scans documents into a BTreeMap keyed by the number's text,
  // above that walks the facet tree in numeric order; `count` orders each block on its own.
  it('alpha: numbers first by decimal text (as nodes truncate), then strings by normalised text', () => {
    expect(orderFacetValues(values, 'alpha', 10).map((v) => v.value)).toEqual([
      '-1.5',
      '10',
      '9',
      'A',
      'b',
      'é',
    ]);
  });

  it('alpha above 3000 candidates: numbers by value', () => {
    expect(orderFacetValues(values, 'alpha', 10, 3001).map((v) => v.value)).toEqual([
      '-1.5',
      '9',
      '10',
      'A',
      'b',
      'é',
    ]);
  });

  it('count: numbers first, each block by count descending, ties in alpha order; truncated', () => {
    expect(orderFacetValues(values, 'count', 4).map((v) => v.value)).toEqual([
      '10',
      '9',
      '-1.5',
      'é',
    ]);
    expect(orderFacetValues(values, 'count', 0)).toEqual([]);
  });
});

describe('mergeFacetDistributions', () => {
  it('sums values that normalise alike, keeping the byte-smallest spelling, per attribute order', () => {
    const merged = mergeFacetDistributions(
      [{ color: { Red: 2, blue: 1 }, size: { '1': 1 } }, { color: { red: 3, green: 7 } }],
      2,
      { '*': 'alpha', color: 'count' },
    );
    expect(merged).toEqual({ color: { green: 7, Red: 5 }, size: { '1': 1 } });
  });
});

describe('facet search', () => {
  it('plans one restricted request per node and merges counts per the index order', () => {
    const ctx = searchContext({
      settings: { maxValuesPerFacet: 3, sortFacetValuesBy: { genre: 'count' } },
    });
    const plan = planFacetSearch(
      { facetName: 'genre', facetQuery: 'd', filter: 'year > 2000' },
      ctx,
    );
    expect(plan.describe()).toBe(
      [
        'facet-search movies facet=genre query="d" order=count max=3',
        `  meili-0 (group 0) shards=[0,3,6] filter=["year > 2000",${JSON.stringify(shardFilter([0, 3, 6]))}]`,
        `  meili-1 (group 0) shards=[1,4,7] filter=["year > 2000",${JSON.stringify(shardFilter([1, 4, 7]))}]`,
        `  meili-2 (group 0) shards=[2,5] filter=["year > 2000",${JSON.stringify(shardFilter([2, 5]))}]`,
      ].join('\n'),
    );
    const merged = mergeFacetSearch(plan, [
      {
        facetHits: [
          { value: 'drama', count: 2 },
          { value: 'doc', count: 1 },
        ],
        facetQuery: 'd',
        processingTimeMs: 1,
      },
      {
        facetHits: [
          { value: 'Drama', count: 1 },
          { value: 'dark', count: 1 },
          { value: 'dub', count: 1 },
        ],
        facetQuery: 'd',
        processingTimeMs: 4,
      },
    ]);
    expect(merged).toEqual({
      facetHits: [
        { value: 'Drama', count: 3 },
        { value: 'dark', count: 1 },
        { value: 'doc', count: 1 },
      ],
      facetQuery: 'd',
      processingTimeMs: 4,
    });
  });

  it('refuses a missing or reserved facet name and uncovered shards under the error policy', () => {
    const refused = (body: unknown, ctx = searchContext()) => {
      try {
        planFacetSearch(body, ctx);
      } catch (e) {
        return (e as MeiliError).code;
      }
      return 'accepted';
    };
    expect(refused({ facetQuery: 'x' })).toBe('missing_facet_search_facet_name');
    expect(refused({ facetName: '_miroir_shard' })).toBe('invalid_facet_search_facet_name');
    expect(
      refused(
        { facetName: 'g' },
        searchContext({
          covering: roundRobinCovering(8, ['a'], [1]),
          unavailableShardPolicy: 'error',
        }),
      ),
    ).toBe('miroir_shard_unavailable');
    expect(refused({ facetName: 'g' })).toBe('accepted');
  });
});
