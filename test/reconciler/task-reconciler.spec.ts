/**
 * The task-reconciler through the real system: emulator nodes, gateway and reconciler as
 * processes over the test Redis and NATS, driven with the official `meilisearch` JS client.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch, type Task, type TasksOrBatchesQuery } from 'meilisearch';
import { createRedisStore } from '#lib/store';
import { startStack, testRedisUrl, type RunningProcess, type Stack } from '#lib/testing';
import {
  emulatorAdmin,
  startReferenceNode,
  until,
  watchTaskEvents,
  type SeenStatus,
} from './reconciler-helpers.js';

const TERMINAL = ['succeeded', 'failed', 'canceled'];
const docs = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    id: from + i,
    title: `doc ${from + i}`,
    year: 2000 + (i % 5),
  }));

let stack: Stack;
let reference: { url: string; process: RunningProcess };
let miroir: Meilisearch;
let one: Meilisearch;
let events: { seen: SeenStatus[]; close: () => Promise<void> };
const wait = { timeout: 20_000, interval: 20 };

async function stateOf(nodeId: string): Promise<string | undefined> {
  const store = createRedisStore({ url: testRedisUrl(), prefix: stack.keyPrefix });
  try {
    return (await store.writers.get(nodeId))?.state;
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  [stack, reference] = await Promise.all([
    startStack({ nodes: 3, replicationFactor: 2, shards: 8 }),
    startReferenceNode(),
  ]);
  miroir = new Meilisearch({
    host: stack.gatewayUrl,
    apiKey: stack.masterKey,
    defaultWaitOptions: wait,
  });
  one = new Meilisearch({ host: reference.url, defaultWaitOptions: wait });
  events = await watchTaskEvents();
}, 60_000);

afterAll(async () => {
  await events?.close();
  await Promise.all([stack?.stop(), reference?.process.stop()]);
});

/** The same operations, one after the other, on Miroir and on one node. */
async function onBoth(op: (client: Meilisearch, isMiroir: boolean) => Promise<unknown>) {
  for (const [client, isMiroir] of [
    [miroir, true],
    [one, false],
  ] as const) {
    const r = await op(client, isMiroir);
    const uid = (r as { taskUid?: number }).taskUid;
    if (uid !== undefined) await client.tasks.waitForTask(uid);
  }
}

const shape = (t: Task) => ({ uid: t.uid, type: t.type, status: t.status, indexUid: t.indexUid });

describe('task-reconciler', () => {
  it('GET /tasks filters and paging answer as one Meilisearch for the same operations', async () => {
    await onBoth((c) => c.createIndex('books', { primaryKey: 'id' }));
    await onBoth((c) => c.index('books').addDocuments(docs(6)));
    await onBoth((c) => c.createIndex('films', { primaryKey: 'id' }));
    await onBoth((c) => c.index('films').updateSettings({ filterableAttributes: ['year'] }));
    await onBoth((c) => c.index('films').addDocuments(docs(4)));
    // The next films addition fails where it is applied: on the reference node, on every copy.
    for (const url of [...stack.nodes.map((n) => n.url), reference.url]) {
      await emulatorAdmin(url, 'task-faults', 'POST', {
        match: { indexUid: 'films', type: 'documentAdditionOrUpdate' },
        error: { code: 'invalid_document_fields' },
      });
    }
    await onBoth((c) => c.index('films').addDocuments(docs(12, 100)));
    await onBoth((c) => c.index('books').deleteDocument(1));
    await onBoth((c) => c.createIndex('books', { primaryKey: 'id' })); // fails: exists
    await onBoth((c) => c.deleteIndex('films'));

    const queries: TasksOrBatchesQuery[] = [
      {},
      { limit: 3 },
      { limit: 3, from: 5 },
      { limit: 2, reverse: true },
      { limit: 2, reverse: true, from: 2 },
      { statuses: ['failed'] },
      { statuses: ['succeeded'], indexUids: ['films'] },
      { types: ['indexCreation', 'indexDeletion'] },
      { types: ['documentAdditionOrUpdate'], statuses: ['succeeded', 'failed'], limit: 1 },
      { indexUids: ['books'] },
      { uids: [0, 2, 4, 6, 99] },
      { afterEnqueuedAt: '2000-01-01', beforeEnqueuedAt: '2999-01-01' },
      { beforeFinishedAt: '2000-01-01' },
      { canceledBy: [1] },
    ];
    for (const query of queries) {
      const [a, b] = await Promise.all([miroir.tasks.getTasks(query), one.tasks.getTasks(query)]);
      const view = (r: typeof a) => ({
        results: r.results.map(shape),
        total: r.total,
        limit: r.limit,
        from: r.from,
        next: r.next,
      });
      expect({ query, ...view(a) }).toEqual({ query, ...view(b) });
    }
  }, 30_000);

  it("waitForTask: succeeded with distinct-document counts; failed with the node's code", async () => {
    await miroir.createIndex('movies', { primaryKey: 'id' }).waitTask();
    const added = await miroir.index('movies').addDocuments(docs(40)).waitTask();
    expect(added).toMatchObject({
      status: 'succeeded',
      details: { receivedDocuments: 40, indexedDocuments: 40 },
      error: null,
    });
    expect(Date.parse(added.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(added.startedAt!));
    expect(added.duration).toMatch(/^PT\d+(\.\d+)?S$/);

    const deleted = await miroir.index('movies').deleteDocuments({ filter: 'id < 0' }).waitTask();
    expect(deleted.status).toBe('failed'); // id not filterable, every node says so
    const byIds = await miroir.index('movies').deleteDocuments([1, 2, 3, 999]).waitTask();
    expect(byIds).toMatchObject({
      status: 'succeeded',
      details: { providedIds: 4, deletedDocuments: 3 },
    });

    for (const node of stack.nodes) {
      await emulatorAdmin(node.url, 'task-faults', 'POST', {
        match: { indexUid: 'movies', type: 'documentAdditionOrUpdate' },
        error: { code: 'invalid_document_fields', message: 'Injected failure.' },
      });
    }
    const failed = await miroir.index('movies').addDocuments(docs(40, 1000)).waitTask();
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({
      code: 'invalid_document_fields',
      type: 'invalid_request',
    });
    // The node's words as one Meilisearch would say them: no node names, no reserved fields.
    expect(failed.error!.message).toBe('Injected failure.');
    // Every copy refused it alike: none disagrees, none left the read path.
    const copies = await Promise.all(stack.nodes.map((n) => stateOf(n.id)));
    expect(copies).toEqual(['caught-up', 'caught-up', 'caught-up']);
    expect(failed.details).toMatchObject({ receivedDocuments: 40, indexedDocuments: 0 });
  }, 20_000);

  it('canceled after a cancel: the cancelation counts it, the task names its canceler', async () => {
    // With no node writer running, the write waits in the log: no copy has it yet.
    await Promise.all(stack.writers.splice(0).map((w) => w.stop()));
    const write = await miroir.index('movies').addDocuments(docs(10, 5000));
    const cancel = await miroir.tasks.cancelTasks({ uids: [write.taskUid] });
    expect(cancel).toMatchObject({ type: 'taskCancelation', status: 'enqueued', indexUid: null });
    await stack.startWriter();
    const canceled = await miroir.tasks.waitForTask(write.taskUid);
    expect(canceled).toMatchObject({ status: 'canceled', canceledBy: cancel.taskUid });
    const cancelation = await miroir.tasks.waitForTask(cancel.taskUid);
    expect(cancelation).toMatchObject({
      status: 'succeeded',
      details: { matchedTasks: 1, canceledTasks: 1, originalFilter: `?uids=${write.taskUid}` },
    });
    const listed = await miroir.tasks.getTasks({ canceledBy: [cancel.taskUid] });
    expect(listed.results.map((t) => t.uid)).toEqual([write.taskUid]);

    const deletion = await miroir.tasks
      .deleteTasks({ uids: [write.taskUid, cancel.taskUid] })
      .waitTask();
    expect(deletion).toMatchObject({
      status: 'succeeded',
      details: { matchedTasks: 2, deletedTasks: 2 },
    });
    await expect(miroir.tasks.getTask(write.taskUid)).rejects.toThrow(/not found/);
    // Skipped on every copy: no node ever received those documents.
    for (const node of stack.nodes) {
      const res = await fetch(`${node.url}/indexes/movies/documents/5000`, {
        headers: { authorization: `Bearer ${stack.nodeKey}` },
      });
      expect(res.status).toBe(404);
    }
  }, 30_000);

  it('a cancel that comes after a copy started the task cancels nothing, on every copy', async () => {
    const write = await miroir.index('movies').addDocuments(docs(3, 6000)).waitTask();
    const cancel = await miroir.tasks.cancelTasks({ uids: [write.uid] }).waitTask();
    expect(cancel.details).toMatchObject({ matchedTasks: 1, canceledTasks: 0 });
    expect(write.status).toBe('succeeded');
  }, 20_000);

  it('a subscriber on miroir.tasks.> saw every terminal status so far, and no other', async () => {
    const all = await miroir.tasks.getTasks({ limit: 1000 });
    for (const task of all.results) {
      expect(TERMINAL).toContain(task.status);
      const terminal = events.seen.filter((e) => e.uid === task.uid && TERMINAL.includes(e.status));
      expect({ uid: task.uid, statuses: [...new Set(terminal.map((e) => e.status))] }).toEqual({
        uid: task.uid,
        statuses: [task.status],
      });
    }
    expect(all.results.length).toBeGreaterThanOrEqual(15);
  }, 10_000);
});

describe('task-reconciler failures', () => {
  it('kill -9 mid-flight and restart: every task settles, no task announced with two outcomes', async () => {
    await Promise.all(
      stack.nodes.map((n) => emulatorAdmin(n.url, 'config', 'PATCH', { taskDelayMs: 150 })),
    );
    const uids: number[] = [];
    for (let i = 0; i < 8; i++) {
      uids.push((await miroir.index('movies').addDocuments(docs(5, 10_000 + i * 5))).taskUid);
    }
    await until(
      'a task in flight',
      async () => (await miroir.tasks.getTask(uids[0]!)).status !== 'enqueued',
      5000,
    );
    await stack.reconcilers[0]!.stop('SIGKILL');
    await stack.startReconciler();
    // A job held by the killed worker returns once its lock lapses (5 s) and a stalled check runs (5 s).
    await until(
      'every task terminal',
      async () => {
        const page = await miroir.tasks.getTasks({ uids, limit: 100 });
        return page.results.every((t) => TERMINAL.includes(t.status));
      },
      30_000,
      250,
    );
    for (const uid of uids) {
      const task = await miroir.tasks.getTask(uid);
      expect(task.status).toBe('succeeded');
      const outcomes = new Set(
        events.seen
          .filter((e) => e.uid === uid && TERMINAL.includes(e.status))
          .map((e) => e.status),
      );
      expect([...outcomes]).toEqual(['succeeded']);
    }
  }, 45_000);

  it('a standby reconciler takes over from a killed leader; every task settles once', async () => {
    const standby = await stack.startReconciler();
    const leader = stack.reconcilers[stack.reconcilers.length - 2]!;
    await leader.stop('SIGKILL');
    const uids = await Promise.all(
      Array.from(
        { length: 24 },
        async (_, i) =>
          (await miroir.index('movies').addDocuments(docs(3, 20_000 + i * 3))).taskUid,
      ),
    );
    for (const uid of uids) expect((await miroir.tasks.waitForTask(uid)).status).toBe('succeeded');
    expect(standby.output()).toContain('"event":"leader-elected"');
    for (const uid of uids) {
      const outcomes = new Set(
        events.seen
          .filter((e) => e.uid === uid && TERMINAL.includes(e.status))
          .map((e) => e.status),
      );
      expect([...outcomes]).toEqual(['succeeded']);
    }
  }, 30_000);
});
