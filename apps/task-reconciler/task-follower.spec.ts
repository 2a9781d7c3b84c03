import { describe, expect, it } from '@jest/globals';
import { NodeTimeoutError, RecordingNodeClient } from '#lib/node-client';
import { EMPTY_LAYOUT, type TaskObject } from '#lib/reconcile';
import { createMemoryStore, type TaskRecord } from '#lib/store';
import { TaskFollower } from './task-follower.js';

const T0 = new Date().toISOString();

function task(uid: number): TaskRecord {
  return {
    uid,
    indexUid: 'movies',
    type: 'documentAdditionOrUpdate',
    status: 'enqueued',
    details: { receivedDocuments: 2, indexedDocuments: null },
    error: null,
    canceledBy: null,
    enqueuedAt: T0,
    startedAt: null,
    finishedAt: null,
    duration: null,
    nodeTasks: {
      a: { taskUid: 1, status: 'enqueued', error: null },
      b: { taskUid: 4, status: 'enqueued', error: null },
    },
    hints: [],
  };
}

const nodeTask = (status: string) => ({
  uid: 1,
  status,
  startedAt: status === 'enqueued' ? null : T0,
  finishedAt: status === 'succeeded' ? T0 : null,
  details: { receivedDocuments: 2, indexedDocuments: status === 'succeeded' ? 2 : null },
  error: null,
});

function setup() {
  const store = createMemoryStore();
  const nodes = new RecordingNodeClient();
  const published: TaskObject[] = [];
  const follower = new TaskFollower({
    store,
    nodes,
    publish: (t) => published.push(t),
    flush: async () => undefined,
    layout: () => EMPTY_LAYOUT,
    log: () => undefined,
  });
  return { store, nodes, published, follower };
}

describe('TaskFollower', () => {
  it('keeps polling an unreachable node, then settles and publishes processing then succeeded', async () => {
    const { store, nodes, published, follower } = setup();
    await store.tasks.create(task(3));
    let bCalls = 0;
    nodes.when('getTask', 'a').reply(nodeTask('succeeded'));
    nodes.when('getTask', 'b').respond(() => {
      bCalls++;
      if (bCalls < 3) throw new NodeTimeoutError('b', 'getTask', 10);
      return nodeTask(bCalls < 4 ? 'processing' : 'succeeded');
    });
    expect(await follower.follow(3, new AbortController().signal)).toBe('settled');
    expect(published.map((t) => t.status)).toEqual(['processing', 'succeeded']);
    expect(await store.tasks.get(3)).toMatchObject({
      status: 'succeeded',
      details: { receivedDocuments: 2, indexedDocuments: 2 },
    });
  });

  it('never changes a terminal record; announces its stored outcome again', async () => {
    const { store, nodes, published, follower } = setup();
    await store.tasks.create({ ...task(5), status: 'failed', finishedAt: T0 });
    expect(await follower.follow(5, new AbortController().signal)).toBe('already-terminal');
    expect(nodes.calls).toEqual([]);
    expect(published.map((t) => [t.uid, t.status])).toEqual([[5, 'failed']]);
    expect((await store.tasks.get(5))!.status).toBe('failed');
  });

  it('finishes quietly when the record is gone', async () => {
    const { follower, published } = setup();
    expect(await follower.follow(99, new AbortController().signal)).toBe('gone');
    expect(published).toEqual([]);
  });
});
