/** Filters (emulator.md §4.9): every operator row, the array form, filterability and errors. */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
let uid: string;

const DOCS = [
  {
    id: 1,
    genre: 'Comédie',
    price: 10,
    tags: ['Red', 'blue'],
    doggos: [{ name: 'Rex' }, { name: 'Fido' }],
    ok: true,
    note: null,
    empty: '',
  },
  {
    id: 2,
    genre: 'horror',
    price: 25.5,
    tags: [],
    doggos: { name: 'Max' },
    ok: false,
    note: 'x',
    empty: {},
  },
  { id: 3, genre: 'drama', price: 100 },
];

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
  uid = await api.createIndex('filters', {
    primaryKey: 'id',
    documents: DOCS,
    settings: { filterableAttributes: ['genre', 'price', 'tags', 'doggos', 'ok', 'note', 'empty'] },
  });
});
afterAll(async () => {
  await api.deleteIndex(uid);
  await target.close();
});

async function ids(filter: unknown): Promise<number[]> {
  const reply = await api.request('POST', `/indexes/${uid}/search`, {
    filter,
    attributesToRetrieve: ['id'],
  });
  expect(reply.status).toBe(200);
  return reply.body.hits.map((h: { id: number }) => h.id).sort();
}

const ROWS: Array<[string, number[]]> = [
  ['genre = comedie', [1]],
  ['genre = "COMÉDIE"', [1]],
  ['price = 10', [1]],
  ['ok = true', [1]],
  ['tags = red', [1]],
  ['doggos.name = rex', [1]],
  ['doggos.name = max', [2]],
  ['price > 10', [2, 3]],
  ['price >= 10', [1, 2, 3]],
  ['price < 25.5', [1]],
  ['price <= 25.5', [1, 2]],
  ['price 10 TO 25.5', [1, 2]],
  ['genre IN [horror, comedie]', [1, 2]],
  ['genre NOT IN [horror]', [1, 3]],
  ['genre != horror', [1, 3]],
  ['tags != red', [2, 3]],
  ['NOT price > 20', [1]],
  ['note EXISTS', [1, 2]],
  ['note NOT EXISTS', [3]],
  ['note IS NULL', [1]],
  ['note IS NOT NULL', [2, 3]],
  ['empty IS EMPTY', [1, 2]],
  ['tags IS EMPTY', [2]],
  ['tags IS NOT EMPTY', [1, 3]],
  ['genre = horror OR price = 10 AND ok = true', [1, 2]],
  ['(genre = horror OR price = 10) AND ok = true', [1]],
];

describe('search filters', () => {
  scenario('each operator of §4.9 selects the documents of the table', async () => {
    for (const [filter, expected] of ROWS) {
      expect({ filter, ids: await ids(filter) }).toEqual({ filter, ids: expected });
    }
  });

  scenario('array form: outer AND, inner OR; "" and [] mean no filter', async () => {
    expect(await ids(['price > 5', ['genre = horror', 'genre = drama']])).toEqual([2, 3]);
    expect(await ids('')).toEqual([1, 2, 3]);
    expect(await ids([])).toEqual([1, 2, 3]);
  });

  scenario(
    'syntax errors, non-filterable fields and bad types → invalid_search_filter',
    async () => {
      for (const filter of [
        'genre =',
        'genre = horror AND',
        '(genre = horror',
        'genre = horror and price = 1',
        'id = 1',
        42,
        [['a = 1', ['b = 2']]],
      ]) {
        expectError(
          await api.request('POST', `/indexes/${uid}/search`, { filter }),
          400,
          'invalid_search_filter',
        );
      }
      const get = await api.request(
        'GET',
        `/indexes/${uid}/search?filter=${encodeURIComponent('id = 1')}`,
      );
      expectError(get, 400, 'invalid_search_filter');
    },
  );

  scenario('CONTAINS needs an experimental feature → feature_not_enabled', async () => {
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, { filter: 'genre CONTAINS hor' }),
      400,
      'feature_not_enabled',
    );
  });

  scenario('document routes use invalid_document_filter', async () => {
    const fetch = await api.request('POST', `/indexes/${uid}/documents/fetch`, {
      filter: 'id = 1',
    });
    expectError(fetch, 400, 'invalid_document_filter');
    expectError(
      await api.request('POST', `/indexes/${uid}/documents/fetch`, { filter: 'genre =' }),
      400,
      'invalid_document_filter',
    );
    const ok = await api.request('POST', `/indexes/${uid}/documents/fetch`, {
      filter: ['price >= 25'],
      fields: ['id'],
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ results: [{ id: 2 }, { id: 3 }], offset: 0, limit: 20, total: 2 });
    const deletion = await api.request('POST', `/indexes/${uid}/documents/delete`, {
      filter: 'id = 1',
    });
    expect(deletion.status).toBe(202);
    const task = await api.waitTask(deletion.body.taskUid);
    expect(task.status).toBe('failed');
    expect(task.error.code).toBe('invalid_document_filter');
  });
});

describe('filterable attribute features', () => {
  scenario('a pattern rule without comparison refuses ranges', async () => {
    const features = await api.createIndex('filter-features', {
      primaryKey: 'id',
      documents: DOCS,
      settings: {
        filterableAttributes: [
          {
            attributePatterns: ['pri*'],
            features: { filter: { equality: true, comparison: false } },
          },
        ],
      },
    });
    try {
      const eq = await api.request('POST', `/indexes/${features}/search`, { filter: 'price = 10' });
      expect(eq.body.hits.map((h: { id: number }) => h.id)).toEqual([1]);
      expectError(
        await api.request('POST', `/indexes/${features}/search`, { filter: 'price > 10' }),
        400,
        'invalid_search_filter',
      );
    } finally {
      await api.deleteIndex(features);
    }
  });
});
