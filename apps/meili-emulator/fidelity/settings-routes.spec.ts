/** Settings routes as tasks (emulator.md §1.1, §2.2, §3): verbs, details, index creation, resets. */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(() => target.close());

describe('settings routes', () => {
  scenario(
    'PATCH /settings enqueues settingsUpdate with the submitted settings as details; it creates a missing index',
    async () => {
      const uid = randomUid('set');
      const reply = await api.request('PATCH', `/indexes/${uid}/settings`, {
        filterableAttributes: ['genre'],
        stopWords: ['the'],
      });
      expect(reply.status).toBe(202);
      expect(reply.body).toMatchObject({
        indexUid: uid,
        status: 'enqueued',
        type: 'settingsUpdate',
      });
      const task = await api.waitTask(reply.body.taskUid);
      expect(task).toMatchObject({
        status: 'succeeded',
        details: { filterableAttributes: ['genre'], stopWords: ['the'] },
      });
      expect((await api.request('GET', `/indexes/${uid}`)).status).toBe(200);
      const settings = (await api.request('GET', `/indexes/${uid}/settings`)).body;
      expect(settings).toMatchObject({
        filterableAttributes: ['genre'],
        stopWords: ['the'],
        searchableAttributes: ['*'],
      });
      expect(Object.keys(settings)).toEqual(
        expect.arrayContaining([
          'displayedAttributes',
          'rankingRules',
          'typoTolerance',
          'faceting',
          'pagination',
          'prefixSearch',
        ]),
      );
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'sub-routes: GET, PUT or PATCH as Meilisearch uses, DELETE resets to the default',
    async () => {
      const uid = await api.createIndex('sub');
      const put = await api.request('PUT', `/indexes/${uid}/settings/sortable-attributes`, [
        'price',
      ]);
      expect(put.status).toBe(202);
      expect(await api.waitTask(put.body.taskUid)).toMatchObject({
        status: 'succeeded',
        details: { sortableAttributes: ['price'] },
      });
      expect(
        (await api.request('GET', `/indexes/${uid}/settings/sortable-attributes`)).body,
      ).toEqual(['price']);
      const patch = await api.request('PATCH', `/indexes/${uid}/settings/pagination`, {
        maxTotalHits: 50,
      });
      expect((await api.waitTask(patch.body.taskUid)).status).toBe('succeeded');
      expect((await api.request('GET', `/indexes/${uid}/settings/pagination`)).body).toEqual({
        maxTotalHits: 50,
      });
      const reset = await api.request('DELETE', `/indexes/${uid}/settings/sortable-attributes`);
      expect(await api.waitTask(reset.body.taskUid)).toMatchObject({
        status: 'succeeded',
        details: { sortableAttributes: null },
      });
      expect(
        (await api.request('GET', `/indexes/${uid}/settings/sortable-attributes`)).body,
      ).toEqual([]);
      const all = await api.request('DELETE', `/indexes/${uid}/settings`);
      expect((await api.waitTask(all.body.taskUid)).status).toBe('succeeded');
      expect((await api.request('GET', `/indexes/${uid}/settings/pagination`)).body).toEqual({
        maxTotalHits: 1000,
      });
      await api.deleteIndex(uid);
    },
  );

  scenario('settings validation happens at once: invalid value and unknown field', async () => {
    const uid = await api.createIndex('setbad');
    expectError(
      await api.request('PATCH', `/indexes/${uid}/settings`, { rankingRules: ['nonsense'] }),
      400,
      'invalid_settings_ranking_rules',
    );
    expectError(
      await api.request('PATCH', `/indexes/${uid}/settings`, { colour: 'red' }),
      400,
      'bad_request',
    );
    expectError(
      await api.request('PUT', `/indexes/${uid}/settings/filterable-attributes`, 'genre'),
      400,
      'invalid_settings_filterable_attributes',
    );
    expectError(
      await api.request('GET', `/indexes/${randomUid('none')}/settings`),
      404,
      'index_not_found',
    );
    await api.deleteIndex(uid);
  });
});
