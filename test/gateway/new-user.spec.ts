/** Acceptance 1: a newcomer's first steps with the official JS client, through the gateway. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

const MOVIES = [
  { id: 1, title: 'Carol', genre: 'drama', year: 2015 },
  { id: 2, title: 'Wonder Woman', genre: 'action', year: 2017 },
  { id: 3, title: 'Life of Pi', genre: 'drama', year: 2012 },
  { id: 4, title: 'Mad Max: Fury Road', genre: 'action', year: 2015 },
  { id: 5, title: 'Moana', genre: 'animation', year: 2016 },
  { id: 6, title: 'Philadelphia', genre: 'drama', year: 1993 },
];

let g: GatewayStack;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 16 });
}, 60_000);
afterAll(() => g?.stop());

describe('new user through the gateway (JS client, 3 nodes, RF 2)', () => {
  it('creates an index, adds documents, waits and finds them', async () => {
    const { client } = g;
    expect(await client.health()).toEqual({ status: 'available' });

    const created = await client.createIndex('movies', { primaryKey: 'id' });
    expect(created).toMatchObject({
      indexUid: 'movies',
      status: 'enqueued',
      type: 'indexCreation',
    });
    expect(created.taskUid).toEqual(expect.any(Number));
    await g.waitWrite(created);

    const index = client.index('movies');
    const settings = await index.updateSettings({
      filterableAttributes: ['genre', 'year'],
      sortableAttributes: ['year'],
    });
    await g.waitWrite(settings);
    const added = await index.addDocuments(MOVIES);
    expect(added).toMatchObject({ status: 'enqueued', type: 'documentAdditionOrUpdate' });
    expect(added.taskUid).toBeGreaterThan(settings.taskUid);
    const task = await g.waitWrite(added);
    if (task) {
      expect(task).toMatchObject({
        status: 'succeeded',
        details: { receivedDocuments: 6, indexedDocuments: 6 },
      });
    }

    const all = await index.search('');
    expect(all.hits.map((h) => h.id).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.estimatedTotalHits).toBe(6);

    const wonder = await index.search('wondr', { attributesToHighlight: ['title'] });
    expect(wonder.hits).toHaveLength(1);
    expect(wonder.hits[0]).toMatchObject({
      id: 2,
      title: 'Wonder Woman',
      _formatted: { title: '<em>Wonder</em> Woman' },
    });
    expect(Object.keys(wonder.hits[0]!).sort()).toEqual([
      '_formatted',
      'genre',
      'id',
      'title',
      'year',
    ]);

    const dramas = await index.search('', {
      filter: 'genre = drama',
      sort: ['year:desc'],
      facets: ['genre', 'year'],
    });
    expect(dramas.hits.map((h) => h.id)).toEqual([1, 3, 6]);
    expect(dramas.facetDistribution).toEqual({
      genre: { drama: 3 },
      year: { '1993': 1, '2012': 1, '2015': 1 },
    });
    expect(dramas.facetStats).toEqual({ year: { min: 1993, max: 2015 } });

    const paged = await index.search('', { sort: ['year:asc'], hitsPerPage: 4, page: 2 });
    expect(paged).toMatchObject({ page: 2, hitsPerPage: 4, totalHits: 6, totalPages: 2 });
    expect(paged.hits.map((h) => h.id)).toEqual([5, 2]);

    expect(await index.getDocument(4)).toEqual(MOVIES[3]);
    // Browsing order is Miroir's (copies in node order), but pages neither skip nor repeat.
    const pages = await Promise.all(
      [0, 2, 4].map((offset) => index.getDocuments({ limit: 2, offset })),
    );
    expect(pages[1]).toMatchObject({ offset: 2, limit: 2, total: 6 });
    expect(pages.flatMap((p) => p.results.map((d) => d.id)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await index.getStats()).numberOfDocuments).toBe(6);
    expect((await client.getIndex('movies')).primaryKey).toBe('id');
  });
});
