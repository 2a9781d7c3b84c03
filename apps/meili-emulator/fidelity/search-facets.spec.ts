/** Facets in search (emulator.md §2.6, §4.10) and facet search (§2.7). */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
let uid: string;

const DOCS = [
  { id: 1, title: 'Carol', genres: ['Romance', 'Drama'], year: 2015, rating: 7.5, adult: false },
  {
    id: 2,
    title: 'Wonder Woman',
    genres: ['Action', 'Adventure'],
    year: 2017,
    rating: 7.4,
    adult: false,
  },
  { id: 3, title: 'Life of Pi', genres: ['Adventure', 'Drama'], year: 2012, rating: 7.9 },
  { id: 4, title: 'Mad Max', genres: ['Action'], year: 2015, rating: 8.1, adult: true },
  { id: 5, title: 'Moana', genres: ['Animation', 'Adventure'], year: 2016 },
];

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
  uid = await api.createIndex('facets', {
    primaryKey: 'id',
    documents: DOCS,
    settings: { filterableAttributes: ['genres', 'year', 'rating', 'adult'] },
  });
});
afterAll(async () => {
  await api.deleteIndex(uid);
  await target.close();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function search(body: object): Promise<any> {
  const reply = await api.request('POST', `/indexes/${uid}/search`, body);
  expect(reply.status).toBe(200);
  return reply.body;
}

describe('facets in search', () => {
  scenario(
    'facetDistribution counts all matches, not the page; facetStats for numbers only',
    async () => {
      const body = await search({ facets: ['genres', 'year', 'adult'], limit: 1 });
      expect(body.hits).toHaveLength(1);
      expect(body.facetDistribution).toEqual({
        genres: { Action: 2, Adventure: 3, Animation: 1, Drama: 2, Romance: 1 },
        year: { '2012': 1, '2015': 2, '2016': 1, '2017': 1 },
        adult: { false: 2, true: 1 },
      });
      expect(body.facetStats).toEqual({ year: { min: 2012, max: 2017 } });
      const filtered = await search({ facets: ['genres', 'rating'], filter: 'year >= 2015' });
      expect(filtered.facetDistribution.genres).toEqual({
        Action: 2,
        Adventure: 2,
        Animation: 1,
        Drama: 1,
        Romance: 1,
      });
      expect(filtered.facetStats).toEqual({ rating: { min: 7.4, max: 8.1 } });
    },
  );

  scenario(
    '"*" requests every filterable attribute; a non-filterable facet → invalid_search_facets',
    async () => {
      const body = await search({ facets: ['*'] });
      expect(Object.keys(body.facetDistribution).sort()).toEqual([
        'adult',
        'genres',
        'rating',
        'year',
      ]);
      expectError(
        await api.request('POST', `/indexes/${uid}/search`, { facets: ['title'] }),
        400,
        'invalid_search_facets',
      );
      expectError(
        await api.request('POST', `/indexes/${uid}/search`, { facets: 'genres' }),
        400,
        'invalid_search_facets',
      );
    },
  );

  scenario(
    'maxValuesPerFacet and sortFacetValuesBy count keep the most frequent values',
    async () => {
      const other = await api.createIndex('facets-count', {
        primaryKey: 'id',
        documents: DOCS,
        settings: {
          filterableAttributes: ['genres'],
          faceting: { maxValuesPerFacet: 2, sortFacetValuesBy: { genres: 'count' } },
        },
      });
      try {
        const reply = await api.request('POST', `/indexes/${other}/search`, { facets: ['genres'] });
        expect(reply.body.facetDistribution).toEqual({ genres: { Adventure: 3, Action: 2 } });
        const alpha = await api.request('PATCH', `/indexes/${other}/settings/faceting`, {
          sortFacetValuesBy: { genres: 'alpha' },
        });
        await api.waitTask(alpha.body.taskUid);
        const again = await api.request('POST', `/indexes/${other}/search`, { facets: ['genres'] });
        expect(again.body.facetDistribution).toEqual({ genres: { Action: 2, Adventure: 3 } });
      } finally {
        await api.deleteIndex(other);
      }
    },
  );
});

describe('facet search', () => {
  scenario('facetQuery matches normalised prefixes and counts over q/filter matches', async () => {
    const reply = await api.request('POST', `/indexes/${uid}/facet-search`, {
      facetName: 'genres',
      facetQuery: 'adv',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      facetHits: [{ value: 'Adventure', count: 3 }],
      facetQuery: 'adv',
    });
    const filtered = await api.request('POST', `/indexes/${uid}/facet-search`, {
      facetName: 'genres',
      facetQuery: 'a',
      filter: 'year > 2015',
    });
    expect(filtered.body.facetHits).toEqual([
      { value: 'Action', count: 1 },
      { value: 'Adventure', count: 2 },
      { value: 'Animation', count: 1 },
    ]);
    const all = await api.request('POST', `/indexes/${uid}/facet-search`, {
      facetName: 'genres',
      q: 'wonder',
    });
    expect(all.body).toMatchObject({
      facetHits: [
        { value: 'Action', count: 1 },
        { value: 'Adventure', count: 1 },
      ],
      facetQuery: null,
    });
  });

  scenario('facet search errors', async () => {
    expectError(
      await api.request('POST', `/indexes/${uid}/facet-search`, { facetQuery: 'a' }),
      400,
      'missing_facet_search_facet_name',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/facet-search`, { facetName: 'title' }),
      400,
      'invalid_facet_search_facet_name',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/facet-search`, {
        facetName: 'genres',
        facetQuery: 1,
      }),
      400,
      'invalid_facet_search_facet_query',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/facet-search`, { facetName: 'genres', limit: 1 }),
      400,
      'bad_request',
    );
    const off = await api.createIndex('facets-off', {
      primaryKey: 'id',
      documents: DOCS,
      settings: { filterableAttributes: ['genres'], facetSearch: false },
    });
    try {
      expectError(
        await api.request('POST', `/indexes/${off}/facet-search`, { facetName: 'genres' }),
        400,
        'facet_search_disabled',
      );
    } finally {
      await api.deleteIndex(off);
    }
  });
});
