/** Settings as search sees them (emulator.md §3, §4): every setting with an effect on results,
 *  changed through its sub-route (PUT or PATCH as a real node). */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
const created: string[] = [];

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(async () => {
  for (const uid of created) await api.deleteIndex(uid);
  await target.close();
});

const DOCS = [
  { id: 1, title: 'The Batman', overview: 'a dark knight', genre: 'action', year: 2022 },
  { id: 2, title: 'Superman', overview: 'the man of steel', genre: 'action', year: 1978 },
  { id: 3, title: 'Catwoman', overview: 'batman returns', genre: 'drama', year: 2004 },
  { id: 4, title: 'Batman Begins', overview: 'fear', genre: 'action', year: 2005 },
];

async function index(prefix: string): Promise<string> {
  const uid = await api.createIndex(prefix, { primaryKey: 'id', documents: DOCS });
  created.push(uid);
  return uid;
}

async function update(uid: string, method: string, route: string, body: unknown): Promise<void> {
  const reply = await api.request(method, `/indexes/${uid}/settings/${route}`, body);
  expect(reply.status).toBe(202);
  expect((await api.waitTask(reply.body.taskUid)).status).toBe('succeeded');
}

async function ids(uid: string, body: object): Promise<number[]> {
  const reply = await api.request('POST', `/indexes/${uid}/search`, body);
  expect(reply.status).toBe(200);
  return reply.body.hits.map((h: { id: number }) => h.id);
}

describe('settings seen by search', () => {
  scenario('searchable-attributes restricts matching and orders attribute weights', async () => {
    const uid = await index('set-searchable');
    expect((await ids(uid, { q: 'batman' })).sort()).toEqual([1, 3, 4]);
    // An explicit list weighs attributes by their index, before word positions.
    await update(uid, 'PUT', 'searchable-attributes', ['title', 'overview']);
    expect(await ids(uid, { q: 'batman' })).toEqual([4, 1, 3]);
    await update(uid, 'PUT', 'searchable-attributes', ['overview', 'title']);
    expect(await ids(uid, { q: 'batman' })).toEqual([3, 4, 1]);
    await update(uid, 'PUT', 'searchable-attributes', ['title']);
    expect(await ids(uid, { q: 'batman' })).toEqual([4, 1]);
  });

  scenario('displayed-attributes hides fields from hits', async () => {
    const uid = await index('set-displayed');
    await update(uid, 'PUT', 'displayed-attributes', ['id', 'title']);
    const reply = await api.request('POST', `/indexes/${uid}/search`, { q: 'superman' });
    expect(reply.body.hits).toEqual([{ id: 2, title: 'Superman' }]);
  });

  scenario('typo-tolerance is merged by PATCH and changes what matches', async () => {
    const uid = await index('set-typo');
    expect(await ids(uid, { q: 'supermen' })).toEqual([2]);
    await update(uid, 'PATCH', 'typo-tolerance', { disableOnWords: ['supermen'] });
    expect(await ids(uid, { q: 'supermen' })).toEqual([]);
    await update(uid, 'PATCH', 'typo-tolerance', {
      disableOnWords: [],
      minWordSizeForTypos: { oneTypo: 9 },
    });
    expect(await ids(uid, { q: 'supermen' })).toEqual([]);
    const settings = await api.request('GET', `/indexes/${uid}/settings/typo-tolerance`);
    expect(settings.body).toEqual({
      enabled: true,
      minWordSizeForTypos: { oneTypo: 9, twoTypos: 9 },
      disableOnWords: [],
      disableOnAttributes: [],
      disableOnNumbers: false,
    });
  });

  scenario('synonyms and stop-words', async () => {
    const uid = await index('set-synonyms');
    await update(uid, 'PUT', 'synonyms', { bruce: ['batman'] });
    expect((await ids(uid, { q: 'bruce' })).sort()).toEqual([1, 3, 4]);
    await update(uid, 'PUT', 'stop-words', ['the']);
    const body = await api.request('POST', `/indexes/${uid}/search`, {
      q: 'the man',
      showRankingScoreDetails: true,
    });
    expect(body.body.hits[0]._rankingScoreDetails.words.maxMatchingWords).toBe(1);
  });

  scenario('ranking-rules with a custom rule, distinct-attribute, pagination', async () => {
    const uid = await index('set-rules');
    await update(uid, 'PUT', 'ranking-rules', [
      'words',
      'year:asc',
      'typo',
      'proximity',
      'attribute',
      'sort',
      'exactness',
    ]);
    expect(await ids(uid, { q: 'batman' })).toEqual([3, 4, 1]);
    await update(uid, 'PUT', 'filterable-attributes', ['genre']);
    await update(uid, 'PUT', 'distinct-attribute', 'genre');
    // the custom rule orders placeholder searches too: the oldest of each genre is kept
    expect(await ids(uid, {})).toEqual([2, 3]);
    await update(uid, 'DELETE', 'distinct-attribute', undefined);
    await update(uid, 'PATCH', 'pagination', { maxTotalHits: 2 });
    const reply = await api.request('POST', `/indexes/${uid}/search`, { limit: 10 });
    expect(reply.body).toMatchObject({ estimatedTotalHits: 2, limit: 10 });
    expect(reply.body.hits).toHaveLength(2);
  });

  scenario('faceting is merged by PATCH and bounds facet values', async () => {
    const uid = await index('set-faceting');
    await update(uid, 'PUT', 'filterable-attributes', ['genre']);
    await update(uid, 'PATCH', 'faceting', { maxValuesPerFacet: 1 });
    await update(uid, 'PATCH', 'faceting', { sortFacetValuesBy: { genre: 'count' } });
    const faceting = await api.request('GET', `/indexes/${uid}/settings/faceting`);
    expect(faceting.body).toEqual({
      maxValuesPerFacet: 1,
      sortFacetValuesBy: { '*': 'alpha', genre: 'count' },
    });
    const reply = await api.request('POST', `/indexes/${uid}/search`, { facets: ['genre'] });
    expect(reply.body.facetDistribution).toEqual({ genre: { action: 3 } });
  });

  scenario('prefix-search disabled: the last word must match whole', async () => {
    const uid = await index('set-prefix');
    expect(await ids(uid, { q: 'catwo' })).toEqual([3]);
    await update(uid, 'PUT', 'prefix-search', 'disabled');
    expect(await ids(uid, { q: 'catwo' })).toEqual([]);
  });
});
