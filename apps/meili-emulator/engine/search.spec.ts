import { describe, expect, it } from '@jest/globals';
import { codeOf, engineWith, ids } from './test-helpers.js';

const MOVIES = [
  { id: 1, title: 'Carol', genre: 'romance', year: 2015, tags: ['drama', 'lgbt'] },
  { id: 2, title: 'Wonder Woman', genre: 'action', year: 2017, tags: ['dc'] },
  { id: 3, title: 'Life of Pi', genre: 'adventure', year: 2012, tags: [] },
  { id: 4, title: 'Mad Max: Fury Road', genre: 'action', year: 2015, tags: ['cars'] },
  { id: 5, title: 'Moana', genre: 'Animation', year: 2016 },
  { id: 6, title: 'Philadelphia', genre: 'drama', year: '1993' },
];
const SETTINGS = {
  filterableAttributes: ['genre', 'year', 'tags'],
  sortableAttributes: ['year', 'title'],
};

describe('search', () => {
  it('keeps each document score independent of the other documents (P2)', () => {
    const base = engineWith(MOVIES, SETTINGS);
    const q = { q: 'wonder woman road', showRankingScore: true, showRankingScoreDetails: true };
    const before = base.search(q).hits as Array<Record<string, unknown>>;
    const noise = Array.from({ length: 200 }, (_, i) => ({
      id: 100 + i,
      title: `wonder ${i % 3 ? 'women' : 'road'} woman x${i}`,
    }));
    base.upsert(
      noise.map((doc) => ({ id: String(doc.id), doc })),
      'replace',
    );
    const after = base.search({ ...q, limit: 1000 }).hits as Array<Record<string, unknown>>;
    for (const hit of before) {
      const same = after.find((h) => h.id === hit.id)!;
      expect(same._rankingScore).toBe(hit._rankingScore);
      expect(same._rankingScoreDetails).toEqual(hit._rankingScoreDetails);
    }
  });

  it('places a placeholder search in internal-id order with empty details', () => {
    const res = engineWith(MOVIES, SETTINGS).search({
      showRankingScore: true,
      showRankingScoreDetails: true,
    });
    expect(ids(res)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((res.hits as Array<Record<string, unknown>>)[0]).toMatchObject({
      _rankingScore: 1,
      _rankingScoreDetails: {},
    });
    expect(res).toMatchObject({ query: '', limit: 20, offset: 0, estimatedTotalHits: 6 });
  });

  it('sorts numbers before strings, missing last, and shows sort values', () => {
    const engine = engineWith([...MOVIES, { id: 7, title: 'No year' }], SETTINGS);
    const asc = engine.search({ sort: ['year:asc'], showRankingScoreDetails: true });
    expect(ids(asc)).toEqual([3, 1, 4, 5, 2, 6, 7]);
    expect((asc.hits as Array<Record<string, unknown>>)[0]!._rankingScoreDetails).toEqual({
      'year:asc': { order: 0, value: 2012 },
    });
    expect(ids(engine.search({ sort: ['year:desc'] }))).toEqual([2, 5, 1, 4, 3, 6, 7]);
    expect(ids(engine.search({ sort: ['title:asc'], limit: 3 }))).toEqual([1, 3, 4]);
  });

  it('pages in offset and page modes within maxTotalHits', () => {
    const engine = engineWith(MOVIES, { ...SETTINGS, pagination: { maxTotalHits: 5 } });
    expect(engine.search({ offset: 4, limit: 10 })).toMatchObject({
      limit: 10,
      offset: 4,
      estimatedTotalHits: 5,
      hits: [{ id: 5 }],
    });
    const page = engine.search({ page: 2, hitsPerPage: 2 });
    expect(page).toMatchObject({ page: 2, hitsPerPage: 2, totalHits: 5, totalPages: 3 });
    expect(ids(page)).toEqual([3, 4]);
    expect(ids(engine.search({ page: 3, hitsPerPage: 2 }))).toEqual([5]);
    expect(engine.search({ page: 0 })).toMatchObject({ hits: [], page: 0, totalHits: 5 });
    expect(engine.search({ hitsPerPage: 0 })).toMatchObject({ hits: [], totalPages: 0 });
  });

  it('keeps the best hit per distinct value and counts kept hits', () => {
    const engine = engineWith(MOVIES, SETTINGS);
    const res = engine.search({ distinct: 'genre' });
    expect(ids(res)).toEqual([1, 2, 3, 5, 6]);
    expect(res.estimatedTotalHits).toBe(5);
    const setting = engineWith(MOVIES, { ...SETTINGS, distinctAttribute: 'year' });
    expect(ids(setting.search({}))).toEqual([1, 2, 3, 5, 6]);
  });

  it('counts facets over all matches, ordered alpha or by count', () => {
    const engine = engineWith(MOVIES, SETTINGS);
    const res = engine.search({ facets: ['genre', 'year', 'tags'], limit: 1 });
    expect(res.facetDistribution).toEqual({
      genre: { action: 2, adventure: 1, Animation: 1, drama: 1, romance: 1 },
      year: { '1993': 1, '2012': 1, '2015': 2, '2016': 1, '2017': 1 },
      tags: { cars: 1, dc: 1, drama: 1, lgbt: 1 },
    });
    expect(Object.keys((res.facetDistribution as Record<string, object>).genre!)).toEqual([
      'action',
      'adventure',
      'Animation',
      'drama',
      'romance',
    ]);
    expect(res.facetStats).toEqual({ year: { min: 2012, max: 2017 } });
    const byCount = engineWith(MOVIES, {
      ...SETTINGS,
      faceting: { maxValuesPerFacet: 2, sortFacetValuesBy: { genre: 'count' } },
    });
    const counted = byCount.search({ facets: ['genre'], filter: 'year > 2000' });
    expect(Object.keys((counted.facetDistribution as Record<string, object>).genre!)).toEqual([
      'action',
      'adventure',
    ]);
  });

  it('filters through the value indexes', () => {
    const engine = engineWith(MOVIES, SETTINGS);
    expect(ids(engine.search({ filter: 'genre = ACTION' }))).toEqual([2, 4]);
    expect(
      ids(engine.search({ filter: ['year >= 2015', ['genre = action', 'tags = drama']] })),
    ).toEqual([1, 2, 4]);
    expect(ids(engine.search({ filter: 'tags IS EMPTY OR tags NOT EXISTS' }))).toEqual([3, 5, 6]);
    expect(ids(engine.search({ q: 'wonder', filter: 'genre != action' }))).toEqual([]);
  });

  it('applies the typo rules of §4.3', () => {
    const engine = engineWith([
      { id: 1, t: 'batman' },
      { id: 2, t: 'superman' },
      { id: 3, t: 'philadelphia' },
      { id: 4, t: 'cat' },
    ]);
    const q = (text: string) => ids(engine.search({ q: text }));
    expect(q('batmen')).toEqual([1]); // one substitution
    expect(q('abtman')).toEqual([]); // one typo may not touch the first letter
    expect(q('batmna')).toEqual([1]); // a swap is one typo
    expect(q('cta ')).toEqual([]); // 3 letters: no typo
    expect(q('suprman')).toEqual([2]);
    expect(q('fhiladelphia')).toEqual([3]); // two allowed: first letter replaced counts two
    expect(q('philadelfa')).toEqual([3]); // two ordinary edits
    expect(q('fhiladelphai')).toEqual([]); // a first-letter change plus another edit is three
    expect(q('bat')).toEqual([1]); // prefix
    expect(q('supe man')).toEqual([]);
    const details = (
      engine.search({ q: 'fhiladelphia', showRankingScoreDetails: true }).hits as Array<
        Record<string, Record<string, unknown>>
      >
    )[0]!;
    expect(details._rankingScoreDetails!.typo).toMatchObject({ typoCount: 2, maxTypoCount: 2 });
    const strict = engineWith([{ id: 1, t: 'batman' }], {
      typoTolerance: { disableOnWords: ['batmen'] },
    });
    expect(ids(strict.search({ q: 'batmen' }))).toEqual([]);
    const off = engineWith([{ id: 1, t: 'batman' }], { typoTolerance: { enabled: false } });
    expect(ids(off.search({ q: 'batmen' }))).toEqual([]);
  });

  it('uses synonyms and stop words', () => {
    const engine = engineWith(
      [
        { id: 1, t: 'the great film' },
        { id: 2, t: 'a great movie' },
      ],
      { synonyms: { movie: ['film'] }, stopWords: ['the'] },
    );
    expect(ids(engine.search({ q: 'movie' }))).toEqual([2, 1]);
    const details = (
      engine.search({ q: 'the great', showRankingScoreDetails: true }).hits as Array<
        Record<string, Record<string, unknown>>
      >
    )[0]!;
    expect(details._rankingScoreDetails!.words).toMatchObject({ maxMatchingWords: 1 }); // `the` dropped: not last
    expect(ids(engine.search({ q: 'the film great' }))).toEqual([1]); // synonyms go one way
  });

  it('matches multi-word synonyms as phrases, never as exact', () => {
    const engine = engineWith(
      [
        { id: 1, t: 'new jersey and york' },
        { id: 2, t: 'I love New York' },
        { id: 3, t: 'NY' },
      ],
      { synonyms: { ny: ['new york'] } },
    );
    const res = engine.search({ q: 'ny', showRankingScoreDetails: true });
    expect(ids(res)).toEqual([3, 2]);
    const details = (
      res.hits as Array<Record<string, Record<string, Record<string, unknown>>>>
    )[1]!;
    expect(details._rankingScoreDetails!.exactness).toMatchObject({
      matchType: 'noExactMatch',
      matchingWords: 0,
    });
  });

  it('requires every term with matchingStrategy all', () => {
    const engine = engineWith(MOVIES, SETTINGS);
    expect(ids(engine.search({ q: 'mad road' }))).toEqual([4]);
    expect(ids(engine.search({ q: 'mad moana', matchingStrategy: 'all' }))).toEqual([]);
    const res = engine.search({
      q: 'mad road',
      matchingStrategy: 'all',
      showRankingScoreDetails: true,
    });
    expect(
      Object.keys((res.hits as Array<Record<string, object>>)[0]!._rankingScoreDetails!),
    ).toEqual(['typo', 'proximity', 'attribute', 'exactness']);
  });

  it('retrieves displayed fields and highlights and crops matches', () => {
    const engine = engineWith(
      [
        {
          id: 1,
          title: 'Batman returns',
          overview: 'one two three four five six seven batman eight nine ten eleven',
          year: 1992,
          secret: 'x',
        },
      ],
      { displayedAttributes: ['id', 'title', 'overview', 'year'] },
    );
    const res = engine.search({
      q: 'bat',
      attributesToRetrieve: ['title', 'year', 'secret'],
      attributesToHighlight: ['title'],
      attributesToCrop: ['overview:4'],
    });
    expect((res.hits as unknown[])[0]).toEqual({
      title: 'Batman returns',
      year: 1992,
      _formatted: {
        title: '<em>Bat</em>man returns',
        year: '1992',
        overview: '…seven batman eight nine…',
      },
    });
  });

  it('keeps `__proto__` as an ordinary field name and facet value', () => {
    const doc = JSON.parse('{"id": 1, "__proto__": "x", "tag": "__proto__"}') as Record<
      string,
      unknown
    >;
    const engine = engineWith([doc], { filterableAttributes: ['tag', '__proto__'] });
    const res = engine.search({ facets: ['tag', '__proto__'], attributesToHighlight: ['*'] });
    const hit = (res.hits as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(hit)).toEqual(['id', '__proto__', 'tag', '_formatted']);
    expect(Object.getPrototypeOf(hit._formatted)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(res.facetDistribution))).toEqual(
      JSON.parse('{"tag": {"__proto__": 1}, "__proto__": {"x": 1}}'),
    );
  });

  it('reports match positions on request', () => {
    const engine = engineWith([{ id: 1, title: 'Batman returns', tags: ['dark', 'batmobile'] }]);
    const hit = (
      engine.search({ q: 'batm', showMatchesPosition: true }).hits as Array<Record<string, unknown>>
    )[0]!;
    expect(hit._matchesPosition).toEqual({
      title: [{ start: 0, length: 4 }],
      tags: [{ start: 0, length: 4, indices: [1] }],
    });
  });

  it.each([
    [{ nope: 1 }, 'bad_request'],
    [{ limit: -1 }, 'invalid_search_limit'],
    [{ offset: 'x' }, 'invalid_search_offset'],
    [{ page: 1.5 }, 'invalid_search_page'],
    [{ hitsPerPage: true }, 'invalid_search_hits_per_page'],
    [{ q: 1 }, 'invalid_search_q'],
    [{ filter: 'genre =' }, 'invalid_search_filter'],
    [{ filter: 'title = x' }, 'invalid_search_filter'],
    [{ filter: 'tags > 1' }, undefined],
    [{ sort: ['genre:asc'] }, 'invalid_search_sort'],
    [{ sort: ['year'] }, 'invalid_search_sort'],
    [{ sort: 'year:asc' }, 'invalid_search_sort'],
    [{ facets: ['title'] }, 'invalid_search_facets'],
    [{ distinct: 'title' }, 'invalid_search_distinct'],
    [{ attributesToRetrieve: 'title' }, 'invalid_search_attributes_to_retrieve'],
    [{ attributesToHighlight: [1] }, 'invalid_search_attributes_to_highlight'],
    [{ matchingStrategy: 'some' }, 'invalid_search_matching_strategy'],
    [{ rankingScoreThreshold: 1.5 }, 'invalid_search_ranking_score_threshold'],
    [{ showRankingScore: 'yes' }, 'invalid_search_show_ranking_score'],
    [{ hybrid: { embedder: 'x' } }, 'emulator_unsupported'],
    [{ vector: [1, 2] }, 'emulator_unsupported'],
    [{ sort: ['_geoPoint(1,2):asc'] }, 'invalid_search_sort'], // `_geo` is not sortable here
    [{ filter: 'genre CONTAINS a' }, 'feature_not_enabled'],
  ])('validates %j → %s', (params, code) => {
    expect(codeOf(() => engineWith(MOVIES, SETTINGS).search(params))).toBe(code);
  });

  // docs learn/filtering_and_sorting/geosearch: nearest first for asc, documents without `_geo`
  // last in both directions, `_geoDistance` (meters, rounded) on each hit; milli score_details.rs
  // `GeoSort` details name the point and carry the distance.
  it('sorts by distance to a point, with _geoDistance and geo ranking details', () => {
    const engine = engineWith(
      [
        { id: 1, _geo: { lat: 48.8566, lng: 2.3522 } }, // Paris
        { id: 2, _geo: { lat: 51.5074, lng: -0.1278 } }, // London
        { id: 3 },
        { id: 4, _geo: { lat: '48.86', lng: '2.35' } }, // near Paris, numbers as strings
      ],
      { ...SETTINGS, sortableAttributes: ['_geo'] },
    );
    const asc = engine.search({
      sort: ['_geoPoint(48.8566,2.3522):asc'],
      showRankingScoreDetails: true,
    }) as { hits: Record<string, unknown>[] };
    expect(asc.hits.map((h) => h.id)).toEqual([1, 4, 2, 3]);
    expect(asc.hits[0]!._geoDistance).toBe(0);
    expect(asc.hits[1]!._geoDistance).toBeGreaterThan(200);
    expect(asc.hits[1]!._geoDistance).toBeLessThan(600);
    expect(asc.hits[3]).not.toHaveProperty('_geoDistance');
    expect(asc.hits[2]!._rankingScoreDetails).toEqual({
      '_geoPoint(48.8566, 2.3522):asc': {
        order: 0,
        value: { lat: 51.5074, lng: -0.1278 },
        distance: expect.any(Number),
      },
    });
    const desc = engine.search({ sort: ['_geoPoint(48.8566,2.3522):desc'] }) as {
      hits: Record<string, unknown>[];
    };
    expect(desc.hits.map((h) => h.id)).toEqual([2, 4, 1, 3]);
  });

  it('checks attributesToSearchOn against searchable attributes and restricts matching', () => {
    const engine = engineWith(
      [
        { id: 1, title: 'dune', overview: 'sand' },
        { id: 2, title: 'sand', overview: 'dune' },
      ],
      { searchableAttributes: ['title', 'overview'] },
    );
    expect(ids(engine.search({ q: 'dune', attributesToSearchOn: ['overview'] }))).toEqual([2]);
    expect(codeOf(() => engine.search({ q: 'dune', attributesToSearchOn: ['id'] }))).toBe(
      'invalid_search_attributes_to_search_on',
    );
  });

  it('ANDs an extra filter (tenant token rules)', () => {
    const engine = engineWith(MOVIES, SETTINGS);
    expect(
      ids(engine.search({ filter: 'year > 2014' }, { extraFilter: 'genre = action' })),
    ).toEqual([2, 4]);
  });
});
