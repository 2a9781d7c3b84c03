/** The official `meilisearch` JS client drives an in-process emulator end to end. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch, MeilisearchApiError } from 'meilisearch';
import { startEmulator, type EmulatorHandle } from './index.js';

const MOVIES = [
  { id: 1, title: 'Carol', genre: 'drama', year: 2015 },
  { id: 2, title: 'Wonder Woman', genre: 'action', year: 2017 },
  { id: 3, title: 'Life of Pi', genre: 'drama', year: 2012 },
  { id: 4, title: 'Mad Max: Fury Road', genre: 'action', year: 2015 },
  { id: 5, title: 'Moana', genre: 'animation', year: 2016 },
];

let node: EmulatorHandle;
let client: Meilisearch;

beforeAll(async () => {
  node = await startEmulator({ masterKey: 'client-master' });
  client = new Meilisearch({ host: node.url, apiKey: 'client-master' });
});
afterAll(() => node.close());

describe('meilisearch JS client against the emulator', () => {
  it('creates an index, adds documents, searches with filter/sort/facets, updates settings, browses and deletes', async () => {
    expect(await client.health()).toEqual({ status: 'available' });
    const created = await client.createIndex('movies', { primaryKey: 'id' }).waitTask();
    expect(created.status).toBe('succeeded');
    const index = client.index('movies');

    const settings = await index
      .updateSettings({ filterableAttributes: ['genre', 'year'], sortableAttributes: ['year'] })
      .waitTask();
    expect(settings.status).toBe('succeeded');
    const enqueued = await index.addDocuments(MOVIES);
    expect(enqueued.taskUid).toEqual(expect.any(Number));
    const added = await client.tasks.waitForTask(enqueued.taskUid, { interval: 5 });
    expect(added).toMatchObject({
      status: 'succeeded',
      details: { receivedDocuments: 5, indexedDocuments: 5 },
    });

    const result = await index.search('', {
      filter: 'genre = drama OR genre = action',
      sort: ['year:desc'],
      facets: ['genre', 'year'],
    });
    expect(result.hits.map((h) => h.id)).toEqual([2, 1, 4, 3]);
    expect(result.estimatedTotalHits).toBe(4);
    expect(result.facetDistribution).toEqual({
      genre: { action: 2, drama: 2 },
      year: { '2012': 1, '2015': 2, '2017': 1 },
    });
    expect(result.facetStats).toEqual({ year: { min: 2012, max: 2017 } });
    const text = await index.search('wonder', { attributesToHighlight: ['title'] });
    expect(text.hits[0]).toMatchObject({ id: 2, _formatted: { title: '<em>Wonder</em> Woman' } });

    expect((await index.getSettings()).filterableAttributes).toEqual(['genre', 'year']);
    const page = await index.getDocuments({ limit: 2, offset: 1, fields: ['id', 'title'] });
    expect(page).toEqual({
      results: [
        { id: 2, title: 'Wonder Woman' },
        { id: 3, title: 'Life of Pi' },
      ],
      offset: 1,
      limit: 2,
      total: 5,
    });
    expect(await index.getDocument(5)).toEqual(MOVIES[4]);

    expect((await index.deleteDocument(5).waitTask()).status).toBe('succeeded');
    expect(
      (await index.deleteDocuments({ filter: 'genre = action' }).waitTask()).details,
    ).toMatchObject({ deletedDocuments: 2 });
    expect((await index.getStats()).numberOfDocuments).toBe(2);
    await expect(index.getDocument(5)).rejects.toMatchObject({
      cause: { code: 'document_not_found' },
    });
    await expect(client.index('missing').search('x')).rejects.toBeInstanceOf(MeilisearchApiError);

    const tasks = await client.tasks.getTasks({ indexUids: ['movies'], limit: 2 });
    expect(tasks.results).toHaveLength(2);
    expect(tasks.next).toEqual(expect.any(Number));
    expect((await client.deleteIndex('movies').waitTask()).status).toBe('succeeded');
  });

  it('manages keys: a created search key can search but not write', async () => {
    const key = await client.createKey({ actions: ['search'], indexes: ['*'], expiresAt: null });
    expect((await client.getKeys()).results.map((k) => k.uid)).toContain(key.uid);
    await client.createIndex('keyed', { primaryKey: 'id' }).waitTask();
    const searcher = new Meilisearch({ host: node.url, apiKey: key.key });
    expect((await searcher.index('keyed').search('')).hits).toEqual([]);
    await expect(searcher.index('keyed').addDocuments([{ id: 1 }])).rejects.toMatchObject({
      cause: { code: 'invalid_api_key' },
    });
    await client.deleteKey(key.uid);
  });
});
