/** Search parameters (emulator.md §2.5, §4.7, §4.10): sort, paging, distinct, retrieval,
 *  highlighting, GET decoding, and each parameter's error code. */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
let uid: string;

const DOCS = [
  { id: 1, title: 'Carol', genre: 'romance', year: 2015, secret: 's1' },
  { id: 2, title: 'Wonder Woman', genre: 'action', year: 2017, secret: 's2' },
  { id: 3, title: 'Life of Pi', genre: 'adventure', year: 2012, secret: 's3' },
  { id: 4, title: 'Mad Max: Fury Road', genre: 'action', year: 2015, secret: 's4' },
  { id: 5, title: 'Moana', genre: 'animation', year: 2016, secret: 's5' },
  { id: 6, title: 'Philadelphia', genre: 'drama', secret: 's6' },
];

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
  uid = await api.createIndex('params', {
    primaryKey: 'id',
    documents: DOCS,
    settings: {
      filterableAttributes: ['genre', 'year'],
      sortableAttributes: ['year', 'title'],
      displayedAttributes: ['id', 'title', 'genre', 'year'],
    },
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

const ids = (body: { hits: Array<{ id: number }> }) => body.hits.map((h) => h.id);

describe('search parameters', () => {
  scenario('offset mode answers limit, offset and estimatedTotalHits', async () => {
    const body = await search({ offset: 2, limit: 2 });
    expect(body).toMatchObject({ query: '', limit: 2, offset: 2, estimatedTotalHits: 6 });
    expect(ids(body)).toEqual([3, 4]);
    expect(body).not.toHaveProperty('totalHits');
  });

  scenario(
    'page mode answers hitsPerPage, page, totalPages and totalHits; page 0 has no hits',
    async () => {
      const body = await search({ page: 2, hitsPerPage: 4 });
      expect(body).toMatchObject({ hitsPerPage: 4, page: 2, totalPages: 2, totalHits: 6 });
      expect(ids(body)).toEqual([5, 6]);
      expect(body).not.toHaveProperty('estimatedTotalHits');
      expect(await search({ page: 0 })).toMatchObject({
        hits: [],
        page: 0,
        hitsPerPage: 20,
        totalHits: 6,
        totalPages: 1,
      });
    },
  );

  scenario('sort: numbers ascending or descending, documents without the field last', async () => {
    expect(ids(await search({ sort: ['year:asc'] }))).toEqual([3, 1, 4, 5, 2, 6]);
    expect(ids(await search({ sort: ['year:desc', 'title:asc'] }))).toEqual([2, 5, 1, 4, 3, 6]);
    expect(
      ids(
        await search({
          q: 'a',
          sort: ['title:desc'],
          matchingStrategy: 'all',
          filter: 'genre = action',
        }),
      ),
    ).toEqual([2, 4]);
  });

  scenario('distinct keeps the best hit per value and totals count kept hits', async () => {
    const body = await search({ distinct: 'genre', sort: ['year:desc'] });
    expect(ids(body)).toEqual([2, 5, 1, 3, 6]);
    expect(body.estimatedTotalHits).toBe(5);
  });

  scenario('hits show displayedAttributes ∩ attributesToRetrieve', async () => {
    const body = await search({ q: 'carol', attributesToRetrieve: ['title', 'secret', 'unknown'] });
    expect(body.hits).toEqual([{ title: 'Carol' }]);
    expect((await search({ q: 'carol' })).hits).toEqual([
      { id: 1, title: 'Carol', genre: 'romance', year: 2015 },
    ]);
  });

  scenario('_formatted highlights matched words, numbers as strings', async () => {
    const body = await search({
      q: 'wonder',
      attributesToHighlight: ['title'],
      attributesToRetrieve: ['title', 'year'],
    });
    expect(body.hits[0]._formatted).toEqual({ title: '<em>Wonder</em> Woman', year: '2017' });
    const tags = await search({
      q: 'road',
      attributesToHighlight: ['*'],
      highlightPreTag: '[',
      highlightPostTag: ']',
      attributesToRetrieve: ['title'],
    });
    expect(tags.hits[0]._formatted.title).toBe('Mad Max: Fury [Road]');
  });

  scenario('GET search decodes the query string', async () => {
    const reply = await api.request(
      'GET',
      `/indexes/${uid}/search?q=woman&attributesToRetrieve=id,title&limit=1&showRankingScore=true`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      query: 'woman',
      limit: 1,
      hits: [{ id: 2, title: 'Wonder Woman', _rankingScore: expect.any(Number) }],
    });
    expectError(
      await api.request('GET', `/indexes/${uid}/search?limit=x`),
      400,
      'invalid_search_limit',
    );
  });
});

describe('search parameter errors', () => {
  const cases: Array<[string, object, string]> = [
    ['unknown parameter', { colour: 'red' }, 'bad_request'],
    ['limit', { limit: -1 }, 'invalid_search_limit'],
    ['offset', { offset: 'one' }, 'invalid_search_offset'],
    ['page', { page: -1 }, 'invalid_search_page'],
    ['hitsPerPage', { hitsPerPage: 'x' }, 'invalid_search_hits_per_page'],
    ['q', { q: 42 }, 'invalid_search_q'],
    ['sort syntax', { sort: ['year'] }, 'invalid_search_sort'],
    ['sort not sortable', { sort: ['genre:asc'] }, 'invalid_search_sort'],
    ['distinct not filterable', { distinct: 'title' }, 'invalid_search_distinct'],
    [
      'attributesToRetrieve type',
      { attributesToRetrieve: 'title' },
      'invalid_search_attributes_to_retrieve',
    ],
    [
      'attributesToHighlight type',
      { attributesToHighlight: 'title' },
      'invalid_search_attributes_to_highlight',
    ],
    ['attributesToCrop type', { attributesToCrop: 1 }, 'invalid_search_attributes_to_crop'],
    ['cropLength', { cropLength: -1 }, 'invalid_search_crop_length'],
    ['matchingStrategy', { matchingStrategy: 'most' }, 'invalid_search_matching_strategy'],
    [
      'rankingScoreThreshold',
      { rankingScoreThreshold: 2 },
      'invalid_search_ranking_score_threshold',
    ],
    ['showRankingScore', { showRankingScore: 1 }, 'invalid_search_show_ranking_score'],
    [
      'attributesToSearchOn',
      { attributesToSearchOn: 'title' },
      'invalid_search_attributes_to_search_on',
    ],
  ];
  scenario('each invalid parameter answers its code', async () => {
    for (const [, body, code] of cases) {
      expectError(await api.request('POST', `/indexes/${uid}/search`, body), 400, code);
    }
  });

  scenario(
    'type errors come before the index lookup; a valid search of a missing index → index_not_found',
    async () => {
      const missing = randomUid('missing');
      expectError(
        await api.request('POST', `/indexes/${missing}/search`, { limit: 'x' }),
        400,
        'invalid_search_limit',
      );
      expectError(
        await api.request('POST', `/indexes/${missing}/search`, { q: 'a' }),
        404,
        'index_not_found',
      );
    },
  );

  scenario('searchableAttributes restrict attributesToSearchOn', async () => {
    const other = await api.createIndex('search-on', {
      primaryKey: 'id',
      documents: [
        { id: 1, title: 'dune', overview: 'sand' },
        { id: 2, title: 'sand', overview: 'dune' },
      ],
      settings: { searchableAttributes: ['title', 'overview'] },
    });
    try {
      const reply = await api.request('POST', `/indexes/${other}/search`, {
        q: 'dune',
        attributesToSearchOn: ['overview'],
      });
      expect(reply.body.hits.map((h: { id: number }) => h.id)).toEqual([2]);
      expectError(
        await api.request('POST', `/indexes/${other}/search`, {
          q: 'dune',
          attributesToSearchOn: ['id'],
        }),
        400,
        'invalid_search_attributes_to_search_on',
      );
    } finally {
      await api.deleteIndex(other);
    }
  });

  scenario('vector search is not emulated → 501 emulator_unsupported', async () => {
    if (!target.isEmulator) return;
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, { vector: [0.1, 0.2] }),
      501,
      'emulator_unsupported',
      'invalid_request',
    );
  });
});
