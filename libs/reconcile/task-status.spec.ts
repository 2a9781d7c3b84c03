import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { TaskRecord } from '#lib/store';
import {
  DELETION_TARGETS,
  next,
  pollDelayMs,
  toTaskObject,
  type NodeTaskView,
  type Observation,
} from '#lib/reconcile';

const T0 = '2030-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function record(over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    uid: 7,
    indexUid: 'movies',
    type: 'documentAdditionOrUpdate',
    status: 'enqueued',
    details: { receivedDocuments: 10, indexedDocuments: null },
    error: null,
    canceledBy: null,
    enqueuedAt: at(0),
    startedAt: null,
    finishedAt: null,
    duration: null,
    nodeTasks: {
      'meili-0': { taskUid: 3, status: 'enqueued', error: null },
      'meili-1': { taskUid: 5, status: 'enqueued', error: null },
    },
    hints: [],
    ...over,
  };
}

/** A node's task object fields as emulator.md §2.2 prints them. */
function view(over: Partial<NodeTaskView> = {}): NodeTaskView {
  return {
    status: 'enqueued',
    startedAt: null,
    finishedAt: null,
    details: null,
    error: null,
    ...over,
  };
}

const done = (startMs: number, endMs: number, details: Record<string, unknown>) =>
  view({ status: 'succeeded', startedAt: at(startMs), finishedAt: at(endMs), details });

const obs = (
  nodes: Record<string, NodeTaskView>,
  over: Partial<Observation> = {},
): Observation => ({
  now: at(5000),
  nodes,
  layout: { groupOf: { 'meili-0': '0', 'meili-1': '0', 'meili-2': '0' }, copies: { '0': 2 } },
  ...over,
});

const nodeError = {
  message: 'Document doesn’t have a `id` attribute: `{"title":"x"}`.',
  code: 'missing_document_id',
  type: 'invalid_request',
  link: 'https://docs.meilisearch.com/errors#missing_document_id',
};

describe('next: status', () => {
  it('stays enqueued, without actions, while every node task waits', () => {
    const step = next(record(), obs({ 'meili-0': view(), 'meili-1': view() }));
    expect(step.task.status).toBe('enqueued');
    expect(step.actions).toEqual([]);
  });

  it('is processing once any node task started, and publishes that once', () => {
    const step = next(
      record(),
      obs({ 'meili-0': view({ status: 'processing', startedAt: at(40) }), 'meili-1': view() }),
    );
    expect(step.task).toMatchObject({ status: 'processing', startedAt: at(40) });
    expect(step.actions).toEqual([{ type: 'publish', status: 'processing' }]);
    const again = next(
      step.task,
      obs({ 'meili-0': view({ status: 'processing', startedAt: at(40) }) }),
    );
    expect(again.actions).toEqual([]);
  });

  it('succeeds when every node task succeeded: earliest start, latest finish, duration', () => {
    const step = next(
      record(),
      obs({
        'meili-0': done(10, 30, { receivedDocuments: 6, indexedDocuments: 6 }),
        'meili-1': done(20, 62, { receivedDocuments: 14, indexedDocuments: 14 }),
      }),
    );
    expect(step.task).toMatchObject({
      status: 'succeeded',
      startedAt: at(10),
      finishedAt: at(62),
      duration: 'PT0.052S',
      error: null,
      details: { receivedDocuments: 10, indexedDocuments: 10 },
    });
    expect(step.task.nodeTasks['meili-1']).toEqual({
      taskUid: 5,
      status: 'succeeded',
      error: null,
    });
    expect(step.actions).toEqual([{ type: 'publish', status: 'succeeded' }]);
  });

  it('waits for the last node task before settling, even when one already failed', () => {
    const failed = view({
      status: 'failed',
      startedAt: at(5),
      finishedAt: at(9),
      error: nodeError,
    });
    const step = next(
      record(),
      obs({ 'meili-0': failed, 'meili-1': view({ status: 'processing', startedAt: at(7) }) }),
    );
    expect(step.task.status).toBe('processing');
  });

  it("fails with the node's error code, the message naming the node, and zeroed counts", () => {
    const step = next(
      record(),
      obs({
        'meili-0': done(1, 2, { receivedDocuments: 6, indexedDocuments: 6 }),
        'meili-1': view({
          status: 'failed',
          startedAt: at(1),
          finishedAt: at(3),
          error: nodeError,
          details: { receivedDocuments: 14, indexedDocuments: 0 },
        }),
      }),
    );
    expect(step.task.status).toBe('failed');
    expect(step.task.error).toMatchObject({
      code: 'missing_document_id',
      type: 'invalid_request',
      link: nodeError.link,
    });
    expect(step.task.error!.message).toContain('`meili-1`');
    expect(step.task.details).toEqual({ receivedDocuments: 10, indexedDocuments: 0 });
  });

  it('counts a copy rejected at write time (no node task uid) as failed', () => {
    const task = record({
      nodeTasks: {
        'meili-0': { taskUid: 3, status: 'enqueued', error: null },
        'meili-1': { taskUid: null, status: 'failed', error: nodeError },
      },
    });
    const step = next(
      task,
      obs({ 'meili-0': done(1, 2, { receivedDocuments: 10, indexedDocuments: 10 }) }),
    );
    expect(step.task.status).toBe('failed');
    expect(step.task.error!.code).toBe('missing_document_id');
  });

  it('is canceled (with the marked canceler) when a node task was canceled; no start if none started', () => {
    const canceled = view({
      status: 'canceled',
      finishedAt: at(8),
      details: { receivedDocuments: 10, indexedDocuments: 0 },
    });
    const step = next(
      record({ canceledBy: 12 }),
      obs({ 'meili-0': canceled, 'meili-1': canceled }),
    );
    expect(step.task).toMatchObject({
      status: 'canceled',
      canceledBy: 12,
      startedAt: null,
      duration: null,
      finishedAt: at(8),
    });
    expect(toTaskObject(step.task).canceledBy).toBe(12);
  });

  it('drops a canceler mark when the task finished before the cancelation reached it', () => {
    const step = next(
      record({ canceledBy: 12 }),
      obs({
        'meili-0': done(1, 2, { receivedDocuments: 3, indexedDocuments: 3 }),
        'meili-1': done(1, 2, { receivedDocuments: 3, indexedDocuments: 3 }),
      }),
    );
    expect(step.task).toMatchObject({ status: 'succeeded', canceledBy: null });
  });

  it('never starts a task before it was enqueued (node clocks ahead of the gateway)', () => {
    const task = record({ enqueuedAt: at(100) });
    const step = next(task, obs({ 'meili-0': done(50, 150, {}), 'meili-1': done(60, 170, {}) }));
    expect(step.task).toMatchObject({
      startedAt: at(100),
      finishedAt: at(170),
      duration: 'PT0.070S',
    });
  });

  it('leaves a terminal record untouched', () => {
    const task = record({ status: 'succeeded' });
    expect(next(task, obs({ 'meili-0': view({ status: 'failed', error: nodeError }) }))).toEqual({
      task,
      actions: [],
    });
  });

  it('ignores hints: a task with one acknowledged copy settles on that copy alone', () => {
    const task = record({
      nodeTasks: { 'meili-0': { taskUid: 3, status: 'enqueued', error: null } },
      hints: [{ nodeId: 'meili-1', seq: 4 }],
    });
    const step = next(
      task,
      obs({ 'meili-0': done(1, 2, { receivedDocuments: 10, indexedDocuments: 10 }) }),
    );
    expect(step.task.status).toBe('succeeded');
  });
});

describe('next: cancel and delete tasks', () => {
  const cancelTask = record({
    type: 'taskCancelation',
    indexUid: null,
    uid: 12,
    details: { matchedTasks: 2, canceledTasks: null, originalFilter: '?uids=7,8' },
    nodeTasks: { 'meili-0': { taskUid: 9, status: 'enqueued', error: null } },
  });

  it('waits for its targets to settle, then counts those it canceled', () => {
    const nodes = { 'meili-0': done(1, 2, { matchedTasks: 4, canceledTasks: 4 }) };
    const first = next(cancelTask, obs(nodes));
    expect(first.task.status).toBe('processing');
    expect(first.actions).toContainEqual({ type: 'observeCancelTargets' });
    const pending = next(first.task, obs(nodes, { cancelTargets: { pending: 1, canceled: 1 } }));
    expect(pending.task.status).toBe('processing');
    const settled = next(first.task, obs(nodes, { cancelTargets: { pending: 0, canceled: 2 } }));
    expect(settled.task).toMatchObject({
      status: 'succeeded',
      details: { matchedTasks: 2, canceledTasks: 2, originalFilter: '?uids=7,8' },
    });
  });

  it('asks for the deletion of its targets, then reports the count without the bookkeeping', () => {
    const task = record({
      type: 'taskDeletion',
      indexUid: null,
      details: {
        matchedTasks: 3,
        deletedTasks: null,
        originalFilter: '?uids=1,2,3',
        [DELETION_TARGETS]: [1, 2],
      },
      nodeTasks: {},
    });
    const first = next(task, obs({}));
    expect(first.actions).toContainEqual({ type: 'deleteTasks', uids: [1, 2] });
    expect(toTaskObject(first.task).details).toEqual({
      matchedTasks: 3,
      deletedTasks: null,
      originalFilter: '?uids=1,2,3',
    });
    const settled = next(first.task, obs({}, { deletedTasks: 2 }));
    expect(settled.task.status).toBe('succeeded');
    expect(settled.task.details).toEqual({
      matchedTasks: 3,
      deletedTasks: 2,
      originalFilter: '?uids=1,2,3',
    });
  });
});

describe('pollDelayMs', () => {
  it('starts at 25 ms, doubles, and caps at 1 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 30].map(pollDelayMs)).toEqual([
      25, 50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });
});

describe('next: properties', () => {
  const status = fc.constantFrom(
    'enqueued',
    'processing',
    'succeeded',
    'failed',
    'canceled' as const,
  );
  it('settles exactly when every node task settled, with failed > canceled > succeeded', () => {
    fc.assert(
      fc.property(fc.array(status, { minLength: 1, maxLength: 6 }), (statuses) => {
        const nodeTasks = Object.fromEntries(
          statuses.map((_, i) => [
            `n${i}`,
            { taskUid: i, status: 'enqueued' as const, error: null },
          ]),
        );
        const nodes = Object.fromEntries(
          statuses.map((s, i) => [
            `n${i}`,
            view({
              status: s,
              error: s === 'failed' ? nodeError : null,
              startedAt: s === 'enqueued' ? null : at(i),
              finishedAt: ['succeeded', 'failed', 'canceled'].includes(s) ? at(10 + i) : null,
            }),
          ]),
        );
        const { task, actions } = next(record({ nodeTasks }), obs(nodes));
        const terminal = statuses.every((s) => ['succeeded', 'failed', 'canceled'].includes(s));
        const expected = !terminal
          ? statuses.some((s) => s !== 'enqueued')
            ? 'processing'
            : 'enqueued'
          : statuses.includes('failed')
            ? 'failed'
            : statuses.includes('canceled')
              ? 'canceled'
              : 'succeeded';
        expect(task.status).toBe(expected);
        expect(actions.filter((a) => a.type === 'publish')).toHaveLength(
          expected === 'enqueued' ? 0 : 1,
        );
        if (terminal && task.startedAt !== null) {
          expect(Date.parse(task.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(task.startedAt));
        }
      }),
    );
  });
});
