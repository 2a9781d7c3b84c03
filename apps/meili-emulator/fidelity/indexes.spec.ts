/** Index lifecycle, listing, stats and swap (emulator.md §1.1, §2.1, §2.4, §5). */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(() => target.close());

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('indexes', () => {
  scenario(
    'POST /indexes answers 202 with an enqueued indexCreation summary, then the index exists',
    async () => {
      const uid = randomUid('idx');
      const reply = await api.request('POST', '/indexes', { uid, primaryKey: 'id' });
      expect(reply.status).toBe(202);
      expect(reply.body).toEqual({
        taskUid: expect.any(Number),
        indexUid: uid,
        status: 'enqueued',
        type: 'indexCreation',
        enqueuedAt: expect.stringMatching(DATE),
      });
      const task = await api.waitTask(reply.body.taskUid);
      expect(task).toMatchObject({
        status: 'succeeded',
        type: 'indexCreation',
        indexUid: uid,
        details: { primaryKey: 'id' },
        error: null,
      });
      const index = await api.request('GET', `/indexes/${uid}`);
      expect(index.status).toBe(200);
      expect(index.body).toEqual({
        uid,
        createdAt: expect.stringMatching(DATE),
        updatedAt: expect.stringMatching(DATE),
        primaryKey: 'id',
      });
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'creating an existing index fails the task with index_already_exists (409)',
    async () => {
      const uid = await api.createIndex('dup');
      const reply = await api.request('POST', '/indexes', { uid });
      const task = await api.waitTask(reply.body.taskUid);
      expect(task.status).toBe('failed');
      expect(task.error).toEqual({
        message: expect.any(String),
        code: 'index_already_exists',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors#index_already_exists',
      });
      await api.deleteIndex(uid);
    },
  );

  scenario('POST /indexes validates the body before enqueuing', async () => {
    expectError(
      await api.request('POST', '/indexes', { primaryKey: 'id' }),
      400,
      'missing_index_uid',
    );
    expectError(
      await api.request('POST', '/indexes', { uid: 'bad uid!' }),
      400,
      'invalid_index_uid',
    );
    expectError(
      await api.request('POST', '/indexes', { uid: 'x'.repeat(401) }),
      400,
      'invalid_index_uid',
    );
    expectError(
      await api.request('POST', '/indexes', { uid: randomUid('k'), primaryKey: 5 }),
      400,
      'invalid_index_primary_key',
    );
    expectError(
      await api.request('POST', '/indexes', { uid: randomUid('k'), colour: 'red' }),
      400,
      'bad_request',
    );
  });

  scenario('unknown indexes: 404 index_not_found on reads, failed tasks on writes', async () => {
    const uid = randomUid('missing');
    expectError(await api.request('GET', `/indexes/${uid}`), 404, 'index_not_found');
    expectError(await api.request('GET', `/indexes/${uid}/stats`), 404, 'index_not_found');
    expectError(await api.request('GET', `/indexes/${uid}/documents`), 404, 'index_not_found');
    expectError(
      await api.request('POST', `/indexes/${uid}/search`, { q: 'x' }),
      404,
      'index_not_found',
    );
    for (const [method, path, body] of [
      ['DELETE', `/indexes/${uid}`, undefined],
      ['PATCH', `/indexes/${uid}`, { primaryKey: 'id' }],
      ['DELETE', `/indexes/${uid}/documents`, undefined],
      ['POST', `/indexes/${uid}/documents/delete-batch`, [1]],
    ] as const) {
      const reply = await api.request(method, path, body);
      expect(reply.status).toBe(202);
      const task = await api.waitTask(reply.body.taskUid);
      expect({ status: task.status, code: task.error?.code }).toEqual({
        status: 'failed',
        code: 'index_not_found',
      });
    }
  });

  scenario('GET /indexes pages with offset/limit and lists by uid', async () => {
    const prefix = randomUid('list');
    const uids = [`${prefix}-b`, `${prefix}-a`, `${prefix}-c`];
    for (const uid of uids)
      await api.waitTask((await api.request('POST', '/indexes', { uid })).body.taskUid);
    const all = await api.request('GET', '/indexes?limit=1000');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ offset: 0, limit: 1000, total: expect.any(Number) });
    const mine = all.body.results
      .map((i: { uid: string }) => i.uid)
      .filter((u: string) => u.startsWith(prefix));
    expect(mine).toEqual([...uids].sort());
    const page = await api.request('GET', '/indexes?offset=1&limit=1');
    expect(page.body).toMatchObject({ offset: 1, limit: 1, results: [expect.any(Object)] });
    expect(page.body.results[0]).toEqual(all.body.results[1]);
    expectError(await api.request('GET', '/indexes?limit=-1'), 400, 'invalid_index_limit');
    expectError(await api.request('GET', '/indexes?offset=abc'), 400, 'invalid_index_offset');
    expectError(await api.request('GET', '/indexes?color=red'), 400, 'bad_request');
    for (const uid of uids) await api.deleteIndex(uid);
  });

  scenario(
    'PATCH /indexes/{uid} sets a primary key, refused once documents exist with another',
    async () => {
      const uid = await api.createIndex('upd');
      const set = await api.request('PATCH', `/indexes/${uid}`, { primaryKey: 'sku' });
      expect(set.status).toBe(202);
      expect(set.body.type).toBe('indexUpdate');
      expect(await api.waitTask(set.body.taskUid)).toMatchObject({
        status: 'succeeded',
        details: { primaryKey: 'sku' },
      });
      await api.waitTask(
        (await api.request('POST', `/indexes/${uid}/documents`, [{ sku: 'a1' }])).body.taskUid,
      );
      const change = await api.waitTask(
        (await api.request('PATCH', `/indexes/${uid}`, { primaryKey: 'other' })).body.taskUid,
      );
      expect({ status: change.status, code: change.error?.code }).toEqual({
        status: 'failed',
        code: 'index_primary_key_already_exists',
      });
      expect((await api.request('GET', `/indexes/${uid}`)).body.primaryKey).toBe('sku');
      expectError(
        await api.request('PATCH', `/indexes/${uid}`, { primaryKey: 'x', extra: true }),
        400,
        'bad_request',
      );
      await api.deleteIndex(uid);
    },
  );

  scenario('DELETE /indexes/{uid} reports deletedDocuments and removes the index', async () => {
    const uid = await api.createIndex('del', { documents: [{ id: 1 }, { id: 2 }] });
    const reply = await api.request('DELETE', `/indexes/${uid}`);
    expect(reply.body).toMatchObject({ indexUid: uid, status: 'enqueued', type: 'indexDeletion' });
    expect(await api.waitTask(reply.body.taskUid)).toMatchObject({
      status: 'succeeded',
      details: { deletedDocuments: 2 },
    });
    expectError(await api.request('GET', `/indexes/${uid}`), 404, 'index_not_found');
  });

  scenario(
    'index stats count documents and top-level fields; GET /stats lists the index',
    async () => {
      const uid = await api.createIndex('stats', {
        documents: [
          { id: 1, title: 'a', meta: { x: 1 } },
          { id: 2, title: 'b' },
        ],
      });
      const stats = await api.request('GET', `/indexes/${uid}/stats`);
      expect(stats.status).toBe(200);
      expect(stats.body).toEqual({
        numberOfDocuments: 2,
        rawDocumentDbSize: expect.any(Number),
        avgDocumentSize: expect.any(Number),
        isIndexing: false,
        numberOfEmbeddings: 0,
        numberOfEmbeddedDocuments: 0,
        fieldDistribution: { id: 2, title: 2, meta: 1 },
      });
      const global = await api.request('GET', '/stats');
      expect(global.status).toBe(200);
      expect(global.body).toMatchObject({
        databaseSize: expect.any(Number),
        usedDatabaseSize: expect.any(Number),
        lastUpdate: expect.stringMatching(DATE),
      });
      expect(global.body.indexes[uid]).toEqual(stats.body);
      await api.deleteIndex(uid);
    },
  );

  scenario('POST /swap-indexes exchanges two indexes (indexUid null, details.swaps)', async () => {
    const a = await api.createIndex('swa', { documents: [{ id: 1, side: 'a' }] });
    const b = await api.createIndex('swb', { documents: [{ id: 1, side: 'b' }] });
    const reply = await api.request('POST', '/swap-indexes', [{ indexes: [a, b] }]);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ indexUid: null, type: 'indexSwap' });
    const task = await api.waitTask(reply.body.taskUid);
    expect(task.status).toBe('succeeded');
    expect(task.details.swaps[0].indexes).toEqual([a, b]);
    expect((await api.request('GET', `/indexes/${a}/documents/1`)).body.side).toBe('b');
    expectError(
      await api.request('POST', '/swap-indexes', [{ indexes: [a] }]),
      400,
      'invalid_swap_indexes',
    );
    expectError(
      await api.request('POST', '/swap-indexes', [
        { indexes: [a, b] },
        { indexes: [a, randomUid('z')] },
      ]),
      400,
      'invalid_swap_duplicate_index_found',
    );
    await api.deleteIndex(a);
    await api.deleteIndex(b);
  });
});
