import { describe, expect, it } from '@jest/globals';
import { resolveRules } from './ranking.js';
import { engineWith, ids } from './test-helpers.js';

const DOCS = [
  { id: 1, title: 'red fox', year: 2001 },
  { id: 2, title: 'red dog', year: 1990 },
  { id: 3, title: 'red fox', year: 1980 },
  { id: 4, title: 'fox red', year: 2020 },
];

describe('ranking rules (emulator.md §4.5)', () => {
  it('resolves sort, custom rules, a missing words rule and placeholder searches', () => {
    const names = (rules: ReturnType<typeof resolveRules>) =>
      rules.map((r) => (r.kind === 'sort' ? r.name : r.kind));
    const sort = [{ field: 'year', asc: false }];
    expect(
      names(
        resolveRules(['words', 'typo', 'sort', 'exactness'], sort, {
          placeholder: false,
          strategy: 'last',
        }),
      ),
    ).toEqual(['words', 'typo', 'year:desc', 'exactness']);
    expect(
      names(
        resolveRules(['typo', 'price:asc', 'exactness'], [], {
          placeholder: false,
          strategy: 'last',
        }),
      ),
    ).toEqual(['words', 'typo', 'price:asc', 'exactness']);
    expect(
      names(resolveRules(['price:asc', 'sort'], [], { placeholder: false, strategy: 'last' })),
    ).toEqual(['price:asc', 'words']);
    expect(
      names(resolveRules(['words', 'typo', 'sort'], sort, { placeholder: true, strategy: 'last' })),
    ).toEqual(['year:desc']);
    expect(
      names(resolveRules(['words', 'typo'], [], { placeholder: false, strategy: 'all' })),
    ).toEqual(['typo']);
  });

  it('applies the search sort only where `sort` sits', () => {
    const engine = engineWith(DOCS, { sortableAttributes: ['year'] });
    // proximity ranks "red fox" before "fox red" whatever the year; the sort splits the ties
    expect(ids(engine.search({ q: 'red fox', sort: ['year:asc'] }))).toEqual([3, 1, 4, 2]);
    const sortFirst = engineWith(DOCS, {
      sortableAttributes: ['year'],
      rankingRules: ['sort', 'words', 'proximity'],
    });
    expect(ids(sortFirst.search({ q: 'red fox', sort: ['year:desc'] }))).toEqual([4, 1, 2, 3]);
  });

  it('ranks by custom field rules and shows their values', () => {
    const engine = engineWith(DOCS, { rankingRules: ['words', 'year:desc'] });
    const res = engine.search({ q: 'red', showRankingScoreDetails: true, showRankingScore: true });
    expect(ids(res)).toEqual([4, 1, 2, 3]);
    expect((res.hits as Array<Record<string, unknown>>)[0]).toMatchObject({
      _rankingScore: 1,
      _rankingScoreDetails: {
        words: { order: 0, score: 1 },
        'year:desc': { order: 1, value: 2020 },
      },
    });
  });

  it('breaks the last ties by insertion order, reusing freed ids', () => {
    const engine = engineWith(DOCS);
    engine.deleteIds(['2']);
    engine.upsert([{ id: '9', doc: { id: 9, title: 'red dog' } }], 'replace');
    // 9 takes the freed internal id of 2, so it ranks where 2 did
    expect(ids(engine.search({ q: 'red' }))).toEqual([1, 9, 3, 4]);
  });
});
