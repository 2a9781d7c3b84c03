import { shardFilter } from '#lib/routing';
import { describe, expect, it } from '@jest/globals';
import { MeiliError } from '#lib/errors';
import { planSearch, type SearchContext } from '#lib/search';
import { roundRobinCovering, searchContext } from './search-fixtures.js';

/** Golden cases: request → described plan (or refusal), kept in __snapshots__ and reviewed on change. */
const CASES: [title: string, query: unknown, ctx?: SearchContext][] = [
  ['plain query over three nodes', { q: 'dune' }],
  ['string filter, offset and limit', { q: 'dune', filter: 'year > 2000', offset: 10, limit: 5 }],
  [
    'array filter keeps its items and gains the shard clause',
    { filter: ['a = 1', ['b = 2', 'c = 3']] },
  ],
  ['empty filter string is no filter', { q: 'x', filter: '  ' }],
  ['page mode asks page 1 with every hit up to the page end', { q: 'x', page: 3, hitsPerPage: 7 }],
  ['page 0 asks for counts only', { q: 'x', page: 0 }],
  ['offset past maxTotalHits is capped', { q: 'x', offset: 5000, limit: 10 }],
  [
    'limit past maxTotalHits is bounded',
    { q: 'x', offset: 90, limit: 50 },
    searchContext({ settings: { maxTotalHits: 100 } }),
  ],
  [
    'restricted attributes gain the primary key and distinct attribute',
    { q: 'x', attributesToRetrieve: ['title'], distinct: 'brand.name', showRankingScore: true },
  ],
  [
    'distinct from the settings; wildcard retrieval is left alone',
    { q: 'x', attributesToRetrieve: ['*'] },
    searchContext({ settings: { distinctAttribute: 'sku' } }),
  ],
  [
    'one node holding every shard gets no shard clause',
    { q: 'x', filter: 'a = 1' },
    searchContext({ covering: roundRobinCovering(8, ['meili-0']) }),
  ],
  [
    'partial policy answers with what is covered',
    { q: 'x' },
    searchContext({ covering: roundRobinCovering(8, ['meili-0', 'meili-1'], [3, 7]) }),
  ],
  ['frequency strategy is flagged', { q: 'x y', matchingStrategy: 'frequency' }],
  [
    'displayed attributes become the nodes retrieval, highlight and crop',
    {
      q: 'x',
      attributesToRetrieve: ['title', 'secret', 'meta'],
      attributesToHighlight: ['*'],
      attributesToCrop: ['overview:5', 'secret:3'],
    },
    searchContext({ settings: { displayedAttributes: ['title', 'overview', 'meta.lang'] } }),
  ],
  // Refusals.
  [
    'error policy refuses uncovered shards',
    { q: 'x' },
    searchContext({
      covering: roundRobinCovering(8, ['meili-0'], [2]),
      unavailableShardPolicy: 'error',
    }),
  ],
  [
    'nothing covered is refused even with partial',
    { q: 'x' },
    searchContext({ covering: { requests: [], uncovered: [0, 1] } }),
  ],
  ['negative limit', { q: 'x', limit: -1 }],
  ['string offset', { q: 'x', offset: '3' }],
  ['fractional page', { q: 'x', page: 1.5 }],
  ['filter of the wrong type', { q: 'x', filter: { a: 1 } }],
  ['filter on a reserved field', { q: 'x', filter: ['a = 1', '_miroir_shard = 3'] }],
  [
    'filter on a reserved field names the filterable patterns, sorted',
    { q: 'x', filter: 'genre = a AND "_miroir_shard" = 3' },
    searchContext({
      settings: { filterableAttributes: ['year', { attributePatterns: ['genre', 'a*'] }] },
    }),
  ],
  ['facets on a reserved field', { q: 'x', facets: ['genre', '_miroir_shard'] }],
  ['distinct on a reserved field', { q: 'x', distinct: '_miroir_shard' }],
  ['vector search', { q: 'x', hybrid: { embedder: 'default' } }],
  ['attributesToRetrieve not an array', { attributesToRetrieve: 'title' }],
  ['body not an object', ['q']],
];

function render(query: unknown, ctx: SearchContext): string {
  try {
    return planSearch(query, ctx).describe();
  } catch (e) {
    if (!(e instanceof MeiliError)) throw e;
    return `refused ${e.status} ${e.code}: ${e.message}`;
  }
}

describe('planSearch golden plans', () => {
  const cases = CASES.map(([title, query, ctx]) => ({ title, query, ctx: ctx ?? searchContext() }));
  it.each(cases)('$title', ({ query, ctx }) => {
    expect(`${JSON.stringify(query)}\n${render(query, ctx)}`).toMatchSnapshot();
  });
});

describe('planSearch', () => {
  it('never changes the client body and keeps every other parameter', () => {
    const query = {
      q: 'dune',
      filter: 'a = 1',
      sort: ['year:desc'],
      facets: ['genre'],
      attributesToHighlight: ['*'],
    };
    const copy = structuredClone(query);
    const plan = planSearch(query, searchContext());
    expect(query).toEqual(copy);
    for (const r of plan.requests) {
      expect(r.body).toMatchObject({
        q: 'dune',
        sort: ['year:desc'],
        facets: ['genre'],
        attributesToHighlight: ['*'],
      });
      expect(r.body.filter).toEqual(['a = 1', shardFilter(r.shards)]);
    }
  });

  it('covers every shard exactly once', () => {
    const plan = planSearch({ q: 'x' }, searchContext());
    const shards = plan.requests.flatMap((r) => r.shards).sort((a, b) => a - b);
    expect(shards).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('passes a filter it cannot parse to the nodes, whose error reaches the client', () => {
    const plan = planSearch({ filter: 'year >' }, searchContext());
    expect(plan.requests[0]!.body.filter).toEqual(['year >', shardFilter([0, 3, 6])]);
  });
});
