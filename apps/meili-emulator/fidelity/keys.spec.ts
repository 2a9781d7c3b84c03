/** Keys and authentication (emulator.md §6). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { startEmulator } from '../index.js';
import { Api, expectError, randomUid, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
const created: string[] = [];

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(async () => {
  for (const uid of created) await api.request('DELETE', `/keys/${uid}`);
  await target.close();
});

async function createKey(body: Record<string, unknown>) {
  const reply = await api.request('POST', '/keys', { expiresAt: null, ...body });
  expect(reply.status).toBe(201);
  created.push(reply.body.uid);
  return reply.body as { key: string; uid: string };
}

describe('keys', () => {
  scenario(
    'POST /keys → 201 with the key shape; the value is HMAC-SHA256(master key, uid)',
    async () => {
      const uid = randomUUID();
      const reply = await api.request('POST', '/keys', {
        uid,
        name: 'n',
        description: 'd',
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
      });
      expect(reply.status).toBe(201);
      created.push(uid);
      expect(reply.body).toEqual({
        name: 'n',
        description: 'd',
        key: expect.stringMatching(/^[0-9a-f]{64}$/),
        uid,
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      if (target.masterKey === 'masterKey') {
        const vector = await api.request('POST', '/keys', {
          uid: '4bc0887a-0e41-4f3b-935d-0c451dcee9c8',
          actions: ['search'],
          indexes: ['*'],
          expiresAt: null,
        });
        if (vector.status === 201) created.push(vector.body.uid);
        else expectError(vector, 409, 'api_key_already_exists');
        const fetched = await api.request('GET', '/keys/4bc0887a-0e41-4f3b-935d-0c451dcee9c8');
        expect(fetched.body.key).toBe(
          'ca4e30eba536eb65b8bc95372b961e75b63c22931cbcc1be0e35366c2da568e3',
        );
      }
    },
  );

  scenario(
    'the four default keys exist; GET /keys lists newest first with offset/limit',
    async () => {
      const list = await api.request('GET', '/keys?limit=1000');
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ offset: 0, limit: 1000, total: expect.any(Number) });
      const names = list.body.results.map((k: { name: string }) => k.name);
      for (const name of [
        'Default Search API Key',
        'Default Admin API Key',
        'Default Read-Only Admin API Key',
        'Default Chat API Key',
      ])
        expect(names).toContain(name);
      const search = list.body.results.find(
        (k: { name: string }) => k.name === 'Default Search API Key',
      );
      expect(search).toMatchObject({ actions: ['search'], indexes: ['*'], expiresAt: null });
      const fresh = await createKey({ actions: ['version'], indexes: ['*'] });
      expect((await api.request('GET', '/keys?limit=1')).body.results[0].uid).toBe(fresh.uid);
      expect((await api.request('GET', '/keys?offset=1&limit=1')).body.results[0].uid).toBe(
        list.body.results[0].uid,
      );
      expectError(await api.request('GET', '/keys?limit=abc'), 400, 'invalid_api_key_limit');
      expectError(await api.request('GET', '/keys?offset=abc'), 400, 'invalid_api_key_offset');
    },
  );

  scenario(
    'GET/PATCH/DELETE /keys/{key or uid}: only name and description change; 204 on delete',
    async () => {
      const key = await createKey({ actions: ['search'], indexes: ['movies'] });
      expect((await api.request('GET', `/keys/${key.key}`)).body.uid).toBe(key.uid);
      const patched = await api.request('PATCH', `/keys/${key.uid}`, {
        name: 'renamed',
        description: null,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: 'renamed',
        description: null,
        actions: ['search'],
        indexes: ['movies'],
      });
      const immutable: Array<[string, unknown, string]> = [
        ['uid', randomUUID(), 'immutable_api_key_uid'],
        ['actions', ['*'], 'immutable_api_key_actions'],
        ['indexes', ['*'], 'immutable_api_key_indexes'],
        ['expiresAt', null, 'immutable_api_key_expires_at'],
        ['key', 'x', 'immutable_api_key_key'],
        ['createdAt', '2020-01-01T00:00:00Z', 'immutable_api_key_created_at'],
        ['updatedAt', '2020-01-01T00:00:00Z', 'immutable_api_key_updated_at'],
      ];
      for (const [field, value, code] of immutable)
        expectError(await api.request('PATCH', `/keys/${key.uid}`, { [field]: value }), 400, code);
      const deleted = await api.request('DELETE', `/keys/${key.uid}`);
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
      expectError(await api.request('GET', `/keys/${key.uid}`), 404, 'api_key_not_found');
      expectError(await api.request('DELETE', `/keys/${key.uid}`), 404, 'api_key_not_found');
    },
  );

  scenario('POST /keys validation: missing fields, bad values, duplicate uid', async () => {
    expectError(
      await api.request('POST', '/keys', { indexes: ['*'], expiresAt: null }),
      400,
      'missing_api_key_actions',
    );
    expectError(
      await api.request('POST', '/keys', { actions: ['search'], expiresAt: null }),
      400,
      'missing_api_key_indexes',
    );
    expectError(
      await api.request('POST', '/keys', { actions: ['search'], indexes: ['*'] }),
      400,
      'missing_api_key_expires_at',
    );
    expectError(
      await api.request('POST', '/keys', { actions: ['fly'], indexes: ['*'], expiresAt: null }),
      400,
      'invalid_api_key_actions',
    );
    expectError(
      await api.request('POST', '/keys', {
        actions: ['search'],
        indexes: ['bad index'],
        expiresAt: null,
      }),
      400,
      'invalid_api_key_indexes',
    );
    expectError(
      await api.request('POST', '/keys', {
        actions: ['search'],
        indexes: ['*'],
        expiresAt: '2000-01-01T00:00:00Z',
      }),
      400,
      'invalid_api_key_expires_at',
    );
    expectError(
      await api.request('POST', '/keys', {
        actions: ['search'],
        indexes: ['*'],
        expiresAt: 'soon',
      }),
      400,
      'invalid_api_key_expires_at',
    );
    expectError(
      await api.request('POST', '/keys', {
        uid: 'nope',
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
      }),
      400,
      'invalid_api_key_uid',
    );
    expectError(
      await api.request('POST', '/keys', {
        name: 5,
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
      }),
      400,
      'invalid_api_key_name',
    );
    expectError(
      await api.request('POST', '/keys', {
        description: [],
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
      }),
      400,
      'invalid_api_key_description',
    );
    const key = await createKey({ actions: ['search'], indexes: ['*'] });
    expectError(
      await api.request('POST', '/keys', {
        uid: key.uid,
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
      }),
      409,
      'api_key_already_exists',
    );
  });

  scenario(
    'missing or non-bearer Authorization → 401; unknown key → 403; /health is public',
    async () => {
      expectError(
        await api.request('GET', '/indexes', undefined, { key: null }),
        401,
        'missing_authorization_header',
        'auth',
      );
      expectError(
        await api.request('GET', '/indexes', undefined, {
          key: null,
          headers: { authorization: 'Basic abc' },
        }),
        401,
        'missing_authorization_header',
        'auth',
      );
      expectError(
        await api.request('GET', '/indexes', undefined, { key: 'not-a-key' }),
        403,
        'invalid_api_key',
        'auth',
      );
      expect((await api.request('GET', '/health', undefined, { key: null })).status).toBe(200);
    },
  );

  scenario(
    'actions are enforced: a search key cannot write, *.get reads but not keys, families expand, creating an index needs indexes.create',
    async () => {
      const uid = await api.createIndex('auth', {
        primaryKey: 'id',
        documents: [{ id: 1, t: 'x' }],
      });
      const search = new Api(
        target,
        (await createKey({ actions: ['search'], indexes: ['*'] })).key,
      );
      expect((await search.request('POST', `/indexes/${uid}/search`, { q: 'x' })).status).toBe(200);
      expectError(
        await search.request('POST', `/indexes/${uid}/documents`, [{ id: 2 }]),
        403,
        'invalid_api_key',
        'auth',
      );
      expectError(
        await search.request('GET', `/indexes/${uid}/documents`),
        403,
        'invalid_api_key',
        'auth',
      );
      expectError(await search.request('GET', '/keys'), 403, 'invalid_api_key', 'auth');
      const reader = new Api(target, (await createKey({ actions: ['*.get'], indexes: ['*'] })).key);
      for (const path of [
        `/indexes/${uid}`,
        `/indexes/${uid}/documents`,
        `/indexes/${uid}/settings`,
        `/indexes/${uid}/stats`,
        '/tasks',
        '/stats',
      ]) {
        expect({ path, status: (await reader.request('GET', path)).status }).toEqual({
          path,
          status: 200,
        });
      }
      expectError(await reader.request('GET', '/keys'), 403, 'invalid_api_key', 'auth');
      expectError(
        await reader.request('POST', `/indexes/${uid}/search`, {}),
        403,
        'invalid_api_key',
        'auth',
      );
      const docs = new Api(
        target,
        (await createKey({ actions: ['documents.*'], indexes: ['*'] })).key,
      );
      const add = await docs.request('POST', `/indexes/${uid}/documents`, [{ id: 2 }]);
      expect(add.status).toBe(202);
      await api.waitTask(add.body.taskUid);
      expectError(
        await docs.request('POST', `/indexes/${randomUid('new')}/documents`, [{ id: 1 }]),
        403,
        'invalid_api_key',
        'auth',
      );
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'indexes are enforced by uid and prefix, in listings, tasks and each multi-search query',
    async () => {
      const stem = `authidx-${randomUUID().slice(0, 8)}`;
      const allowed = await api.createIndex(`${stem}-a`, {
        primaryKey: 'id',
        documents: [{ id: 1 }],
      });
      const other = await api.createIndex(`other-${stem}`, {
        primaryKey: 'id',
        documents: [{ id: 1 }],
      });
      const prefixed = new Api(
        target,
        (
          await createKey({
            actions: ['search', 'indexes.get', 'tasks.get'],
            indexes: [`${stem}*`],
          })
        ).key,
      );
      expect((await prefixed.request('POST', `/indexes/${allowed}/search`, {})).status).toBe(200);
      expectError(
        await prefixed.request('POST', `/indexes/${other}/search`, {}),
        403,
        'invalid_api_key',
        'auth',
      );
      const listed = (await prefixed.request('GET', '/indexes?limit=1000')).body.results.map(
        (i: { uid: string }) => i.uid,
      );
      expect(listed).toContain(allowed);
      expect(listed).not.toContain(other);
      const tasks = (await prefixed.request('GET', '/tasks?limit=1000')).body.results;
      expect(
        tasks.every(
          (t: { indexUid: string | null }) => t.indexUid !== null && t.indexUid.startsWith(stem),
        ),
      ).toBe(true);
      const multi = { queries: [{ indexUid: allowed }, { indexUid: other }] };
      expectError(
        await prefixed.request('POST', '/multi-search', multi),
        403,
        'invalid_api_key',
        'auth',
      );
      expect(
        (await prefixed.request('POST', '/multi-search', { queries: [{ indexUid: allowed }] }))
          .status,
      ).toBe(200);
      await api.deleteIndex(allowed);
      await api.deleteIndex(other);
    },
  );

  scenario('an expired key is refused with 403 invalid_api_key', async () => {
    const key = await createKey({
      actions: ['*'],
      indexes: ['*'],
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    const user = new Api(target, key.key);
    expect((await user.request('GET', '/version')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expectError(await user.request('GET', '/version'), 403, 'invalid_api_key', 'auth');
  });

  scenario(
    'emulator-only: without a master key everything is open but /keys → 401 missing_master_key',
    async () => {
      if (!target.isEmulator) return;
      const open = await startEmulator();
      try {
        const anon = new Api({
          url: open.url,
          masterKey: '',
          isEmulator: true,
          close: async () => undefined,
        });
        expect((await anon.request('GET', '/indexes', undefined, { key: null })).status).toBe(200);
        expect((await anon.request('GET', '/indexes', undefined, { key: 'anything' })).status).toBe(
          200,
        );
        expectError(
          await anon.request('GET', '/keys', undefined, { key: null }),
          401,
          'missing_master_key',
          'auth',
        );
      } finally {
        await open.close();
      }
    },
  );
});
