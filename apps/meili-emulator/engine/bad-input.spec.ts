import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MeiliError } from '#lib/errors';
import { parseFilter } from '#lib/filter';
import { multiSearch, parseSettingsPatch } from './index.js';
import { engineWith } from './test-helpers.js';

/** Runs `fn`; anything thrown must be a MeiliError (rendered as Meilisearch's error object). */
function onlyMeiliErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MeiliError);
  }
}

const PARAMS = [
  'q',
  'offset',
  'limit',
  'page',
  'hitsPerPage',
  'attributesToRetrieve',
  'attributesToCrop',
  'cropLength',
  'cropMarker',
  'attributesToHighlight',
  'highlightPreTag',
  'showMatchesPosition',
  'showRankingScore',
  'showRankingScoreDetails',
  'filter',
  'sort',
  'distinct',
  'facets',
  'matchingStrategy',
  'attributesToSearchOn',
  'rankingScoreThreshold',
  'facetName',
  'facetQuery',
];

describe('bad input never escapes as anything but a MeiliError', () => {
  const engine = engineWith(
    [
      { id: 1, title: 'Dune', genre: ['scifi', null, { deep: [[1, true]] }], year: 1965 },
      { id: 2, title: '', nested: { a: { b: { c: 'x' } } }, year: 'unknown' },
    ],
    { filterableAttributes: ['genre', 'year'], sortableAttributes: ['year'] },
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      '*',
      'year:asc',
      'genre = scifi',
      ['year:desc'],
      ['*'],
      'title',
      ['title:2'],
      -1,
      1e308,
      0.5,
    ),
  );
  const params = fc.dictionary(fc.constantFrom(...PARAMS), value, { maxKeys: 4 });

  it('in search, facet search and multi-search parameters', () => {
    fc.assert(
      fc.property(params, (p) => {
        onlyMeiliErrors(() => engine.search(p));
        onlyMeiliErrors(() => engine.facetSearch(p));
        onlyMeiliErrors(() => engine.browse(p));
        onlyMeiliErrors(() =>
          multiSearch(
            { queries: [{ indexUid: 'i', ...p }], federation: p.limit === undefined ? {} : null },
            () => engine,
          ),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('in filters and settings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 3 })), (input) => {
        onlyMeiliErrors(() => parseFilter(input, 'invalid_search_filter'));
        onlyMeiliErrors(() => parseSettingsPatch(input));
        onlyMeiliErrors(() => parseSettingsPatch({ typoTolerance: input, faceting: input }));
      }),
      { numRuns: 500 },
    );
  });

  it('indexes any JSON document', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })), {
          maxLength: 5,
        }),
        (docs) => {
          const e = engineWith([], { filterableAttributes: ['*'] });
          e.upsert(
            docs.map((doc, i) => ({ id: String(i), doc })),
            'update',
          );
          e.search({ q: 'a b', facets: ['*'] });
          e.deleteIds(['0', '1']);
          expect(e.size).toBe(Math.max(0, docs.length - 2));
        },
      ),
      { numRuns: 200 },
    );
  });
});
