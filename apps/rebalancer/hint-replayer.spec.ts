import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  NodeApiError,
  NodeUnavailableError,
  RecordingNodeClient,
  type RecordedCall,
} from '#lib/node-client';
import { createMemoryStore, type Store } from '#lib/store';
import { HintReplayer, ReplayInterrupted } from './hint-replayer.js';
import type { Log } from '#lib/service';

const NODE = 'meili-1';
const logged: string[] = [];
const log: Log = (level, event, fields) => logged.push(`${level} ${event} ${fields?.seq ?? ''}`);

let store: Store;
let nodes: RecordingNodeClient;
let replayer: HintReplayer;

async function hint(taskUid: number, request: unknown): Promise<number> {
  return store.hints.append({
    nodeId: NODE,
    indexUid: 'films',
    taskUid,
    request,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}

const addDocs = (ids: number[]) => ({
  method: 'POST',
  path: '/indexes/films/documents',
  query: { primaryKey: 'id' },
  rawBody: JSON.stringify(ids.map((id) => ({ id }))),
  contentType: 'application/json',
});
const deleteIds = (ids: number[]) => ({
  method: 'POST',
  path: '/indexes/films/documents/delete-batch',
  body: ids,
});
const refused = (call: RecordedCall) =>
  new NodeApiError(call.nodeId, call.op, 400, {
    message: 'bad',
    code: 'invalid_document_id',
    type: 'invalid_request',
    link: 'https://docs.meilisearch.com/errors#invalid_document_id',
  });

beforeEach(() => {
  logged.length = 0;
  store = createMemoryStore();
  nodes = new RecordingNodeClient();
  nodes.when('health').reply({ status: 'available' });
  let next = 10;
  nodes.when('replay').respond(() => ({ taskUid: next++, status: 'enqueued' }));
  nodes
    .when('getTask')
    .respond((call) => ({ uid: Number(call.path.split('/')[2]), status: 'succeeded' }));
  replayer = new HintReplayer({ store, nodes, log, healthTimeoutMs: 100, pageSize: 2 });
});

describe('HintReplayer', () => {
  it('replays in sequence order, page by page, acknowledging after the page last task', async () => {
    await hint(1, addDocs([1, 2]));
    await hint(2, deleteIds([1]));
    await hint(3, { method: 'PATCH', path: '/indexes/films/settings', body: { a: 1 } });
    expect(await replayer.replay(NODE)).toEqual({ reachable: true, replayed: 3, dropped: 0 });
    expect(nodes.calls.map((c) => `${c.op} ${c.method} ${c.path}`)).toEqual([
      'health GET /health',
      'replay POST /indexes/films/documents',
      'replay POST /indexes/films/documents/delete-batch',
      'getTask GET /tasks/11',
      'replay PATCH /indexes/films/settings',
      'getTask GET /tasks/12',
    ]);
    const first = nodes.calls[1]!.options;
    expect(first).toMatchObject({
      query: { primaryKey: 'id' },
      rawBody: '[{"id":1},{"id":2}]',
      contentType: 'application/json',
    });
    expect(nodes.calls[2]!.options.body).toEqual([1]);
    expect(await store.hints.count(NODE)).toBe(0);
  });

  it('does not acknowledge a page before its last task has finished', async () => {
    await hint(1, addDocs([1]));
    let polls = 0;
    nodes.when('getTask').respond(async () => {
      expect(await store.hints.count(NODE)).toBe(1);
      return { uid: 10, status: ++polls < 3 ? 'processing' : 'succeeded' };
    });
    await replayer.replay(NODE);
    expect(polls).toBe(3);
    expect(await store.hints.count(NODE)).toBe(0);
  });

  it('drops a batch the node refuses with a 4xx, logs it, and goes on', async () => {
    await hint(1, deleteIds([1]));
    const bad = await hint(2, addDocs([2]));
    await hint(3, deleteIds([3]));
    nodes.when('replay').respond((call) => {
      if (call.options.rawBody) throw refused(call);
      return { taskUid: 7 };
    });
    expect(await replayer.replay(NODE)).toEqual({ reachable: true, replayed: 2, dropped: 1 });
    expect(logged).toContain(`error hint-refused ${bad}`);
    expect(await store.hints.count(NODE)).toBe(0);
  });

  it('drops a record that is not a write', async () => {
    const bad = await hint(1, { method: 'TRACE', path: 'x' });
    expect(await replayer.replay(NODE)).toEqual({ reachable: true, replayed: 0, dropped: 1 });
    expect(logged).toEqual([`error hint-unreadable ${bad}`]);
    expect(nodes.calls.map((c) => c.op)).toEqual(['health']);
  });

  it('does nothing while the node does not answer /health', async () => {
    await hint(1, addDocs([1]));
    nodes.when('health').fail(new NodeUnavailableError(NODE, 'health', 'ECONNREFUSED'));
    expect(await replayer.replay(NODE)).toEqual({ reachable: false, replayed: 0, dropped: 0 });
    expect(nodes.calls.map((c) => c.op)).toEqual(['health']);
    expect(await store.hints.count(NODE)).toBe(1);
  });

  it('stops part-way when the node goes away, acknowledging nothing of that page', async () => {
    await hint(1, addDocs([1]));
    await hint(2, addDocs([2]));
    let sent = 0;
    nodes.when('replay').respond((call) => {
      if (++sent === 2) throw new NodeUnavailableError(call.nodeId, call.op, 'ECONNRESET');
      return { taskUid: 1 };
    });
    await expect(replayer.replay(NODE)).rejects.toBeInstanceOf(ReplayInterrupted);
    expect(await store.hints.count(NODE)).toBe(2);
  });

  it('a 5xx Meilisearch error is retried later, not dropped', async () => {
    await hint(1, addDocs([1]));
    nodes.when('replay').fail(
      (call) =>
        new NodeApiError(call.nodeId, call.op, 500, {
          message: 'internal',
          code: 'internal',
          type: 'internal',
          link: 'https://docs.meilisearch.com/errors#internal',
        }),
    );
    await expect(replayer.replay(NODE)).rejects.toBeInstanceOf(ReplayInterrupted);
    expect(await store.hints.count(NODE)).toBe(1);
  });
});
