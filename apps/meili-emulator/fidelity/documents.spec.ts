/** Document additions, ids, primary keys, browse, fetch and deletions (emulator.md §1.1, §1.2, §5). */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(() => target.close());

async function add(uid: string, docs: unknown, query = '', method = 'POST') {
  const reply = await api.request(method, `/indexes/${uid}/documents${query}`, docs);
  expect(reply.status).toBe(202);
  return api.waitTask(reply.body.taskUid);
}

function failedWith(task: { status: string; error: { code: string } | null }, code: string): void {
  expect({ status: task.status, code: task.error?.code }).toEqual({ status: 'failed', code });
}

describe('documents', () => {
  scenario(
    'addition creates a missing index, infers the key, reports counts; ids keep their JSON type',
    async () => {
      const uid = randomUid('docs');
      const task = await add(uid, [
        { movieId: 1, title: 'One' },
        { movieId: 'two', title: 'Two' },
      ]);
      expect(task).toMatchObject({
        status: 'succeeded',
        type: 'documentAdditionOrUpdate',
        indexUid: uid,
        details: { receivedDocuments: 2, indexedDocuments: 2 },
      });
      expect((await api.request('GET', `/indexes/${uid}`)).body.primaryKey).toBe('movieId');
      expect((await api.request('GET', `/indexes/${uid}/documents/1`)).body).toEqual({
        movieId: 1,
        title: 'One',
      });
      expect((await api.request('GET', `/indexes/${uid}/documents/two`)).body).toEqual({
        movieId: 'two',
        title: 'Two',
      });
      await api.deleteIndex(uid);
    },
  );

  scenario(
    '1 and "1" are the same document; POST replaces, PUT merges top-level fields',
    async () => {
      const uid = await api.createIndex('same', { primaryKey: 'id' });
      await add(uid, [{ id: 1, a: 1, b: 1 }]);
      await add(uid, [{ id: '1', a: 2 }]);
      expect((await api.request('GET', `/indexes/${uid}/documents/1`)).body).toEqual({
        id: '1',
        a: 2,
      });
      await add(uid, [{ id: 1, c: 3 }], '', 'PUT');
      expect((await api.request('GET', `/indexes/${uid}/documents/1`)).body).toEqual({
        id: 1,
        a: 2,
        c: 3,
      });
      expect((await api.request('GET', `/indexes/${uid}/stats`)).body.numberOfDocuments).toBe(1);
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'primary key failures: none / several candidates, missing or invalid id, conflicting parameter',
    async () => {
      const uid = randomUid('pk');
      failedWith(await add(uid, [{ title: 'no key' }]), 'index_primary_key_no_candidate_found');
      expect((await api.request('GET', `/indexes/${uid}`)).body.primaryKey).toBeNull();
      failedWith(
        await add(uid, [{ id: 1, userId: 2 }]),
        'index_primary_key_multiple_candidates_found',
      );
      failedWith(await add(uid, [{ id: 1 }, { title: 'x' }]), 'missing_document_id');
      failedWith(await add(uid, [{ id: 'not valid!' }]), 'invalid_document_id');
      failedWith(await add(uid, [{ id: 1.5 }]), 'invalid_document_id');
      expect((await api.request('GET', `/indexes/${uid}/stats`)).body.numberOfDocuments).toBe(0);
      expect(await add(uid, [{ key: 'k1', id: 9 }], '?primaryKey=key')).toMatchObject({
        status: 'succeeded',
      });
      failedWith(await add(uid, [{ id: 1 }], '?primaryKey=id'), 'index_primary_key_already_exists');
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'NDJSON, CSV and gzip payloads are accepted; a lone object is one document',
    async () => {
      const uid = await api.createIndex('fmt', { primaryKey: 'id' });
      const ndjson = await api.request('POST', `/indexes/${uid}/documents`, undefined, {
        raw: '{"id":1,"t":"a"}\n{"id":2,"t":"b"}\n',
        contentType: 'application/x-ndjson',
      });
      expect((await api.waitTask(ndjson.body.taskUid)).details).toEqual({
        receivedDocuments: 2,
        indexedDocuments: 2,
      });
      const csv = await api.request('POST', `/indexes/${uid}/documents`, undefined, {
        raw: 'id:number,t,n:number\n3,c,1.5\n',
        contentType: 'text/csv',
      });
      expect((await api.waitTask(csv.body.taskUid)).status).toBe('succeeded');
      expect((await api.request('GET', `/indexes/${uid}/documents/3`)).body).toEqual({
        id: 3,
        t: 'c',
        n: 1.5,
      });
      const gz = await api.request('POST', `/indexes/${uid}/documents`, undefined, {
        raw: gzipSync(JSON.stringify({ id: 4, t: 'd' })),
        headers: { 'content-encoding': 'gzip' },
      });
      expect((await api.waitTask(gz.body.taskUid)).details).toEqual({
        receivedDocuments: 1,
        indexedDocuments: 1,
      });
      expect((await api.request('GET', `/indexes/${uid}/documents/4`)).body).toEqual({
        id: 4,
        t: 'd',
      });
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'bad payloads: missing/other content type (415), empty (missing_payload), malformed',
    async () => {
      const uid = randomUid('bad');
      const path = `/indexes/${uid}/documents`;
      expectError(
        await api.request('POST', path, undefined, { raw: '[{"id":1}]', contentType: null }),
        415,
        'missing_content_type',
      );
      expectError(
        await api.request('POST', path, undefined, {
          raw: '[{"id":1}]',
          contentType: 'text/plain',
        }),
        415,
        'invalid_content_type',
      );
      expectError(await api.request('POST', path, undefined, { raw: '' }), 400, 'missing_payload');
      expectError(
        await api.request('POST', path, undefined, { raw: '[{"id":1},' }),
        400,
        'malformed_payload',
      );
      expectError(
        await api.request('POST', path, undefined, { raw: '[1, 2]' }),
        400,
        'malformed_payload',
      );
      expectError(
        await api.request('POST', path, undefined, { raw: '"text"' }),
        400,
        'malformed_payload',
      );
      expectError(
        await api.request('POST', path, undefined, {
          raw: '{"id":1}\nnot json',
          contentType: 'application/x-ndjson',
        }),
        400,
        'malformed_payload',
      );
      expectError(await api.request('POST', `${path}?colour=red`, [{ id: 1 }]), 400, 'bad_request');
      expectError(await api.request('GET', `/indexes/${uid}`), 404, 'index_not_found');
    },
  );

  scenario(
    'GET documents pages with offset/limit/fields; fetch takes a body; typed errors come first',
    async () => {
      const docs = Array.from({ length: 5 }, (_, i) => ({
        id: i,
        title: `t${i}`,
        genre: i % 2 ? 'odd' : 'even',
      }));
      const uid = await api.createIndex('browse', {
        primaryKey: 'id',
        settings: { filterableAttributes: ['genre'] },
        documents: docs,
      });
      const page = await api.request(
        'GET',
        `/indexes/${uid}/documents?offset=1&limit=2&fields=id,title`,
      );
      expect(page.status).toBe(200);
      expect(page.body).toEqual({
        results: [
          { id: 1, title: 't1' },
          { id: 2, title: 't2' },
        ],
        offset: 1,
        limit: 2,
        total: 5,
      });
      const filtered = await api.request(
        'GET',
        `/indexes/${uid}/documents?filter=${encodeURIComponent('genre = odd')}&fields=id`,
      );
      expect(filtered.body).toMatchObject({
        results: [{ id: 1 }, { id: 3 }],
        total: 2,
        limit: 20,
        offset: 0,
      });
      const fetched = await api.request('POST', `/indexes/${uid}/documents/fetch`, {
        filter: ['genre = even'],
        limit: 1,
        fields: ['id'],
      });
      expect(fetched.body).toEqual({ results: [{ id: 0 }], offset: 0, limit: 1, total: 3 });
      expect((await api.request('GET', `/indexes/${uid}/documents/2?fields=title`)).body).toEqual({
        title: 't2',
      });
      expectError(
        await api.request('GET', `/indexes/${uid}/documents/99`),
        404,
        'document_not_found',
      );
      expectError(
        await api.request('GET', `/indexes/${uid}/documents?limit=x`),
        400,
        'invalid_document_limit',
      );
      expectError(
        await api.request('GET', `/indexes/${randomUid('none')}/documents?offset=-2`),
        400,
        'invalid_document_offset',
      );
      expectError(
        await api.request(
          'GET',
          `/indexes/${uid}/documents?filter=${encodeURIComponent('genre = ')}`,
        ),
        400,
        'invalid_document_filter',
      );
      expectError(
        await api.request(
          'GET',
          `/indexes/${uid}/documents?filter=${encodeURIComponent('title = t1')}`,
        ),
        400,
        'invalid_document_filter',
      );
      await api.deleteIndex(uid);
    },
  );

  scenario('deletions: by id, batch, filter (validated), all; details per type', async () => {
    const docs = Array.from({ length: 6 }, (_, i) => ({ id: i, n: i }));
    const uid = await api.createIndex('deletes', {
      primaryKey: 'id',
      settings: { filterableAttributes: ['n'] },
      documents: docs,
    });
    const one = await api.request('DELETE', `/indexes/${uid}/documents/0`);
    expect(one.body).toMatchObject({ type: 'documentDeletion', indexUid: uid });
    expect((await api.waitTask(one.body.taskUid)).details).toMatchObject({
      providedIds: 1,
      deletedDocuments: 1,
    });
    const batch = await api.request('POST', `/indexes/${uid}/documents/delete-batch`, [1, '2', 77]);
    expect((await api.waitTask(batch.body.taskUid)).details).toMatchObject({
      providedIds: 3,
      deletedDocuments: 2,
    });
    const byFilter = await api.request('POST', `/indexes/${uid}/documents/delete`, {
      filter: 'n >= 5',
    });
    expect((await api.waitTask(byFilter.body.taskUid)).details).toEqual({
      providedIds: 0,
      deletedDocuments: 1,
      originalFilter: '"n >= 5"',
    });
    expectError(
      await api.request('POST', `/indexes/${uid}/documents/delete`, {}),
      400,
      'missing_document_filter',
    );
    expectError(
      await api.request('POST', `/indexes/${uid}/documents/delete`, { filter: 'n >>= 1' }),
      400,
      'invalid_document_filter',
    );
    const notFilterable = await api.request('POST', `/indexes/${uid}/documents/delete`, {
      filter: 'id = 3',
    });
    failedWith(await api.waitTask(notFilterable.body.taskUid), 'invalid_document_filter');
    const all = await api.request('DELETE', `/indexes/${uid}/documents`);
    expect((await api.waitTask(all.body.taskUid)).details).toEqual({ deletedDocuments: 2 });
    expect((await api.request('GET', `/indexes/${uid}/stats`)).body.numberOfDocuments).toBe(0);
    await api.deleteIndex(uid);
  });
});
