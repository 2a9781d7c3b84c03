/**
 * Acceptance 6: bad input gets Meilisearch's exact error object (status, code, type, link, as the
 * node itself answers where it has an opinion), the gateway never crashes, and a broadcast one node
 * rejects leaves a task record that says which node failed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedisStore, type Store } from '#lib/store';
import { testRedisUrl } from '#lib/testing';
import {
  jsonOf,
  meiliError,
  startGatewayStack,
  type GatewayStack,
} from './support/gateway-stack.js';

const INDEX = 'strict';

let g: GatewayStack;
let store: Store;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8 });
  store = createRedisStore({ url: testRedisUrl(), prefix: g.stack.keyPrefix });
  await g.waitWrite(await g.client.createIndex(INDEX, { primaryKey: 'id' }));
  await g.waitWrite(
    await g.client.index(INDEX).updateSettings({
      filterableAttributes: ['genre'],
      sortableAttributes: ['year'],
    }),
  );
  await g.waitWrite(
    await g.client.index(INDEX).addDocuments([
      { id: 1, title: 'one', genre: 'a', year: 2000 },
      { id: 2, title: 'two', genre: 'b', year: 2001 },
    ]),
  );
}, 60_000);

afterAll(async () => {
  await store?.close();
  await g?.stop();
});

/** The same raw request to the gateway (master key) and to one node (node key). */
async function both(
  path: string,
  init: { method: string; body?: string | Uint8Array; type?: string | null },
) {
  const send = (url: string, key: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    if (init.type) headers['content-type'] = init.type;
    return fetch(`${url}${path}`, { method: init.method, headers, body: init.body });
  };
  const [gateway, node] = await Promise.all([
    jsonOf(await send(g.stack.gatewayUrl, g.stack.masterKey)),
    jsonOf(await send(g.stack.nodes[0]!.url, g.stack.nodeKey)),
  ]);
  return { gateway, node };
}

const shape = ({ status, body }: { status: number; body: Record<string, unknown> }) => ({
  status,
  code: body?.code,
  type: body?.type,
  link: body?.link,
});

describe('request errors: the node’s own status and error object', () => {
  const json = 'application/json';
  const docs = `/indexes/${INDEX}/documents`;
  const search = `/indexes/${INDEX}/search`;
  it.each<
    [
      string,
      string,
      string,
      { method: string; body?: string | Uint8Array; type?: string | null },
      number,
      string,
    ]
  >([
    [
      'malformed JSON documents',
      docs,
      'POST',
      { method: 'POST', body: '[{"id": 1,', type: json },
      400,
      'malformed_payload',
    ],
    [
      'malformed JSON search',
      search,
      'POST',
      { method: 'POST', body: '{"q": ', type: json },
      400,
      'malformed_payload',
    ],
    [
      'wrong content type',
      docs,
      'POST',
      { method: 'POST', body: '[{"id": 3}]', type: 'text/plain' },
      415,
      'invalid_content_type',
    ],
    [
      'missing content type',
      docs,
      'POST',
      { method: 'POST', body: new TextEncoder().encode('[{"id": 3}]'), type: null },
      415,
      'missing_content_type',
    ],
    [
      'empty documents payload',
      docs,
      'POST',
      { method: 'POST', body: '', type: json },
      400,
      'missing_payload',
    ],
    [
      'empty search payload',
      search,
      'POST',
      { method: 'POST', body: '', type: json },
      400,
      'missing_payload',
    ],
    [
      'documents not an array of objects',
      docs,
      'POST',
      { method: 'POST', body: '[1, 2]', type: json },
      400,
      'malformed_payload',
    ],
    [
      'unknown index',
      '/indexes/nowhere/search',
      'POST',
      { method: 'POST', body: '{}', type: json },
      404,
      'index_not_found',
    ],
    ['unknown index (get)', '/indexes/nowhere', 'GET', { method: 'GET' }, 404, 'index_not_found'],
    [
      'filter syntax',
      search,
      'POST',
      { method: 'POST', body: '{"filter": "genre = "}', type: json },
      400,
      'invalid_search_filter',
    ],
    [
      'filter on a non-filterable field',
      search,
      'POST',
      { method: 'POST', body: '{"filter": "title = one"}', type: json },
      400,
      'invalid_search_filter',
    ],
    [
      'filter of the wrong type',
      search,
      'POST',
      { method: 'POST', body: '{"filter": 42}', type: json },
      400,
      'invalid_search_filter',
    ],
    [
      'negative limit',
      search,
      'POST',
      { method: 'POST', body: '{"limit": -1}', type: json },
      400,
      'invalid_search_limit',
    ],
    [
      'limit of the wrong type',
      search,
      'POST',
      { method: 'POST', body: '{"limit": "ten"}', type: json },
      400,
      'invalid_search_limit',
    ],
    [
      'page of the wrong type',
      search,
      'POST',
      { method: 'POST', body: '{"page": "x"}', type: json },
      400,
      'invalid_search_page',
    ],
    [
      'sort on a non-sortable field',
      search,
      'POST',
      { method: 'POST', body: '{"sort": ["title:asc"]}', type: json },
      400,
      'invalid_search_sort',
    ],
    [
      'facets on a non-filterable field',
      search,
      'POST',
      { method: 'POST', body: '{"facets": ["title"]}', type: json },
      400,
      'invalid_search_facets',
    ],
    [
      'unknown search parameter',
      search,
      'POST',
      { method: 'POST', body: '{"qq": "x"}', type: json },
      400,
      'bad_request',
    ],
    [
      'GET search with a bad limit',
      `${search}?limit=abc`,
      'GET',
      { method: 'GET' },
      400,
      'invalid_search_limit',
    ],
    [
      'invalid index uid',
      '/indexes',
      'POST',
      { method: 'POST', body: '{"uid": "bad uid!", "primaryKey": "id"}', type: json },
      400,
      'invalid_index_uid',
    ],
  ])('%s', async (_name, path, _m, init, status, code) => {
    const { gateway, node } = await both(path, init);
    expect(shape(gateway)).toEqual({
      status,
      code,
      type: 'invalid_request',
      link: `https://docs.meilisearch.com/errors#${code}`,
    });
    expect(typeof gateway.body.message).toBe('string');
    expect(shape(gateway)).toEqual(shape(node));
  });
});

describe('bad documents: 202 and a failed task, as one node does, nothing written', () => {
  it.each<[string, unknown[], string]>([
    ['a document without the primary key', [{ id: 10 }, { title: 'no id' }], 'missing_document_id'],
    ['an invalid document id', [{ id: 11 }, { id: 'not valid!' }], 'invalid_document_id'],
    ['a reserved _miroir_ field', [{ id: 12, _miroir_shard: '.' }], 'miroir_reserved_field'],
    ['a reserved field in a nested name', [{ id: 13, _miroir_x: 1 }], 'miroir_reserved_field'],
  ])('%s', async (_name, documents, code) => {
    const { status, body } = await jsonOf(
      await g.gateway(`/indexes/${INDEX}/documents`, {
        method: 'POST',
        body: JSON.stringify(documents),
      }),
    );
    expect(status).toBe(202);
    const task = await g.client.tasks.getTask(body.taskUid);
    expect(task).toMatchObject({ status: 'failed', type: 'documentAdditionOrUpdate' });
    expect(task.error).toEqual(meiliError(code));
    // Refused as a whole before any node was called.
    expect((await g.client.index(INDEX).getStats()).numberOfDocuments).toBe(2);
  });
});

describe('the gateway survives', () => {
  it('is still alive and answering after all of the above', async () => {
    expect(g.stack.gateway.child.exitCode).toBeNull();
    expect(await jsonOf(await g.gateway('/health', { key: null }))).toEqual({
      status: 200,
      body: { status: 'available' },
    });
    const { hits } = await g.client.index(INDEX).search('one');
    expect(hits.map((h) => h.id)).toEqual([1]);
    expect(g.stack.gateway.output()).not.toMatch(/at .+\.js:\d+:\d+/); // no stack trace logged
  });
});

describe('X-Request-Id', () => {
  it('is propagated when sent and generated when absent, also on errors', async () => {
    const url = `${g.stack.gatewayUrl}/indexes/${INDEX}/search`;
    const headers = {
      authorization: `Bearer ${g.stack.masterKey}`,
      'content-type': 'application/json',
    };
    const sent = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'trace-me-42' },
      body: '{}',
    });
    expect(sent.headers.get('x-request-id')).toBe('trace-me-42');
    const generated = await fetch(url, { method: 'POST', headers, body: '{"q": 1}' });
    expect(generated.status).toBe(400);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('settings the gateway lets through and nodes refuse', () => {
  const fault = (url: string, code: string) =>
    fetch(`${url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        match: { route: 'settings', method: 'PATCH' },
        effect: { status: 400, code },
        times: 1,
      }),
    });

  it('refused by every copy: the task fails with the node error, on every copy alike', async () => {
    for (const node of g.stack.nodes)
      await fault(node.url, 'invalid_settings_displayed_attributes');
    const res = await g.gateway(`/indexes/${INDEX}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({ displayedAttributes: ['title', 'genre', 'id', 'year'] }),
    });
    const { status, body } = await jsonOf(res);
    expect(status).toBe(202);
    const task = await g.waitWrite(body.taskUid);
    expect(task).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_settings_displayed_attributes' },
    });
    for (const node of g.stack.nodes) {
      expect((await store.writers.get(node.id))?.state).toBe('caught-up');
    }
  });

  it('refused by one copy its siblings applied: the copy leaves the read path, reads stay whole', async () => {
    const victim = g.stack.nodes[2]!;
    await fault(victim.url, 'invalid_settings_ranking_rules');
    const res = await g.gateway(`/indexes/${INDEX}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({
        rankingRules: ['words', 'typo', 'sort', 'proximity', 'attribute', 'exactness'],
      }),
    });
    const { body } = await jsonOf(res);
    const task = await g.waitWrite(body.taskUid);
    expect(task).toMatchObject({ status: 'succeeded' });
    const record = await store.tasks.get(body.taskUid);
    expect(record!.nodeTasks[victim.id]).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_settings_ranking_rules' },
    });
    const deadline = Date.now() + 10_000;
    while ((await store.writers.get(victim.id))?.state !== 'stale' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await store.writers.get(victim.id))?.state).toBe('stale');
    const { hits, estimatedTotalHits } = await g.client.index(INDEX).search('', { limit: 100 });
    expect(estimatedTotalHits).toBe(2);
    expect(hits).toHaveLength(2);
  });
});
