import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { PartOutcome, TaskRecord } from '#lib/store';
import {
  copiesToWaitFor,
  DELETION_TARGETS,
  reconcileTask,
  READ_STATE_PROPAGATION_MS,
  toTaskObject,
  type CopyView,
  type Observation,
} from '#lib/reconcile';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const SEQ = 8;

function record(over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    uid: SEQ - 1,
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
    nodeTasks: {},
    ...over,
  };
}

const copy = (appliedSeq: number, over: Partial<CopyView> = {}): CopyView => ({
  appliedSeq,
  sentSeq: appliedSeq,
  state: 'caught-up',
  stateSince: T0 - 60_000,
  rejoinTarget: null,
  ...over,
});

function obs(copies: Record<string, CopyView>, over: Partial<Observation> = {}): Observation {
  return {
    now: T0 + 5000,
    seq: SEQ,
    targets: ['a', 'b'],
    copies,
    outcomes: {},
    gate: { started: false, canceledBy: null },
    indexDeletedAt: null,
    layout: { groupOf: { a: '0', b: '0', c: '0' }, copies: { '0': 2 } },
    ...over,
  };
}

describe('next: status (R4)', () => {
  it('stays enqueued, without actions, while no copy took it', () => {
    const step = reconcileTask(record(), obs({ a: copy(3), b: copy(3) }));
    expect(step).toEqual({ task: record(), actions: [] });
  });

  it('is processing once a writer started it, and says so once', () => {
    const started = reconcileTask(record(), obs({ a: copy(3, { sentSeq: SEQ }), b: copy(3) }));
    expect(started.task).toMatchObject({ status: 'processing', startedAt: at(5000) });
    expect(started.actions).toEqual([{ type: 'publish', status: 'processing' }]);
    expect(
      reconcileTask(started.task, obs({ a: copy(3, { sentSeq: SEQ }), b: copy(3) })).actions,
    ).toEqual([]);
  });

  it('waits for every caught-up copy, then succeeds with the node tasks that carried it', () => {
    const waiting = reconcileTask(record(), obs({ a: copy(SEQ), b: copy(SEQ - 1) }));
    expect(waiting.task.status).toBe('processing');
    const outcomes: Record<string, PartOutcome> = {
      a: { status: 'succeeded', nodeTaskUid: 4 },
      b: { status: 'succeeded', nodeTaskUid: 9 },
    };
    const done = reconcileTask(waiting.task, obs({ a: copy(SEQ), b: copy(SEQ + 3) }, { outcomes }));
    expect(done.task).toMatchObject({
      status: 'succeeded',
      error: null,
      startedAt: at(5000),
      finishedAt: at(5000),
      details: { receivedDocuments: 10, indexedDocuments: 10 },
      nodeTasks: {
        a: { taskUid: 4, status: 'succeeded', error: null },
        b: { taskUid: 9, status: 'succeeded', error: null },
      },
    });
    expect(done.actions).toEqual([{ type: 'publish', status: 'succeeded' }]);
  });

  it("fails with the node's error as one Meilisearch words it, counts zeroed", () => {
    // Nodes list Miroir's reserved filterable rule and name their own index incarnation.
    const error = {
      message:
        'Index `movies-2`: Attribute `doggo` is not filterable. Available filterable attribute patterns are: `_miroir_shard`.\n1:6 doggo = bernese',
      code: 'invalid_document_filter',
      type: 'invalid_request',
      link: 'https://docs.meilisearch.com/errors#invalid_document_filter',
    };
    const outcomes: Record<string, PartOutcome> = {
      a: { status: 'failed', nodeTaskUid: 2, error },
      b: { status: 'failed', nodeTaskUid: 5, error },
    };
    const done = reconcileTask(
      record(),
      obs({ a: copy(SEQ), b: copy(SEQ) }, { outcomes, nodeIndexUid: 'movies-2' }),
    );
    expect(done.task).toMatchObject({
      status: 'failed',
      error: {
        ...error,
        // milli filter.rs `AttributeNotFilterable`, as one node without the reserved rule says it.
        message:
          'Index `movies`: Attribute `doggo` is not filterable. This index does not have configured filterable attributes.\n1:6 doggo = bernese',
      },
      details: { receivedDocuments: 10, indexedDocuments: 0 },
    });
  });

  it('marks the copies that refused what their siblings applied, and succeeds where it applied', () => {
    const error = {
      message: 'no',
      code: 'invalid_settings_ranking_rules',
      type: 'invalid_request',
      link: 'x',
    };
    const outcomes: Record<string, PartOutcome> = {
      a: { status: 'succeeded', nodeTaskUid: 1 },
      b: { status: 'failed', nodeTaskUid: 2, error },
    };
    const done = reconcileTask(record(), obs({ a: copy(SEQ), b: copy(SEQ) }, { outcomes }));
    expect(done.task).toMatchObject({ status: 'succeeded', error: null });
    expect(done.task.nodeTasks.b).toMatchObject({ status: 'failed', error });
    expect(done.actions[0]).toMatchObject({ type: 'breakCopies', nodes: ['b'] });
  });

  it('stops waiting for a lagging copy only once every gateway has stopped reading it', () => {
    const lagging = (since: number) => copy(2, { state: 'lagging', stateSince: T0 + since });
    const recent = obs({ a: copy(SEQ), b: lagging(5000 - READ_STATE_PROPAGATION_MS + 1) });
    expect(copiesToWaitFor(recent)).toEqual(['a', 'b']);
    expect(reconcileTask(record(), recent).task.status).toBe('processing');
    const old = obs({ a: copy(SEQ), b: lagging(5000 - READ_STATE_PROPAGATION_MS) });
    expect(copiesToWaitFor(old)).toEqual(['a']);
    expect(reconcileTask(record(), old).task.status).toBe('succeeded');
  });

  it('waits for a rejoining copy whose target is before the task', () => {
    const rejoin = (target: number) =>
      copy(5, { state: 'lagging', stateSince: T0 - 60_000, rejoinTarget: target });
    expect(copiesToWaitFor(obs({ a: copy(SEQ), b: rejoin(SEQ - 1) }))).toEqual(['a', 'b']);
    expect(copiesToWaitFor(obs({ a: copy(SEQ), b: rejoin(SEQ) }))).toEqual(['a']);
  });

  it('ignores a stale copy and its failures; settles on any copy when none serves reads', () => {
    const stale = copy(SEQ, { state: 'stale' });
    const failed: PartOutcome = {
      status: 'failed',
      error: { message: 'disk', code: 'io_error', type: 'system', link: 'x' },
    };
    const done = reconcileTask(
      record(),
      obs({ a: copy(SEQ), b: stale }, { outcomes: { b: failed, a: { status: 'succeeded' } } }),
    );
    expect(done.task.status).toBe('succeeded');
    const allDown = (seqA: number) =>
      obs({ a: copy(seqA, { state: 'lagging' }), b: copy(2, { state: 'lagging' }) });
    expect(reconcileTask(record(), allDown(3)).task.status).toBe('enqueued');
    expect(reconcileTask(record(), allDown(SEQ)).task.status).toBe('succeeded');
  });

  it('waits for a copy whose writer never reported', () => {
    expect(reconcileTask(record(), obs({ a: copy(SEQ) })).task.status).toBe('processing');
  });

  it('is canceled by the gate, with no start when nobody started it', () => {
    const step = reconcileTask(
      record(),
      obs({ a: copy(SEQ), b: copy(SEQ) }, { gate: { started: false, canceledBy: 12 } }),
    );
    expect(step.task).toMatchObject({
      status: 'canceled',
      canceledBy: 12,
      startedAt: null,
      duration: null,
      details: { receivedDocuments: 10, indexedDocuments: 0 },
    });
    expect(toTaskObject(step.task).canceledBy).toBe(12);
  });

  it('fails with index_not_found when the index was deleted before the task', () => {
    const done = reconcileTask(
      record(),
      obs({ a: copy(SEQ), b: copy(SEQ) }, { indexDeletedAt: SEQ - 1 }),
    );
    expect(done.task.error?.code).toBe('index_not_found');
    const before = reconcileTask(
      record(),
      obs({ a: copy(SEQ), b: copy(SEQ) }, { indexDeletedAt: SEQ + 1 }),
    );
    expect(before.task.status).toBe('succeeded');
  });

  it('succeeds at once when nodes have nothing to do', () => {
    const step = reconcileTask(
      record({ type: 'indexUpdate', details: { primaryKey: 'id' } }),
      obs({}, { targets: [] }),
    );
    expect(step.task.status).toBe('succeeded');
  });

  it('leaves a terminal record untouched', () => {
    const done = record({ status: 'failed', finishedAt: at(1) });
    expect(reconcileTask(done, obs({ a: copy(SEQ), b: copy(SEQ) }))).toEqual({
      task: done,
      actions: [],
    });
  });
});

describe('next: cancel and delete tasks', () => {
  it('reports the tasks a cancelation canceled', () => {
    const cancel = record({
      type: 'taskCancelation',
      indexUid: null,
      details: { matchedTasks: 3, canceledTasks: null, originalFilter: '?uids=1,2,3' },
    });
    const step = reconcileTask(cancel, obs({}, { targets: [], canceledTasks: 2 }));
    expect(step.task).toMatchObject({ status: 'succeeded', details: { canceledTasks: 2 } });
    expect(reconcileTask(cancel, obs({}, { targets: [] })).actions).toEqual([
      { type: 'countCanceled' },
    ]);
  });

  it('asks for the deletion of its targets, then reports the count without the bookkeeping', () => {
    const deletion = record({
      type: 'taskDeletion',
      indexUid: null,
      details: {
        matchedTasks: 2,
        deletedTasks: null,
        originalFilter: '?uids=1,2',
        [DELETION_TARGETS]: [1, 2],
      },
    });
    expect(reconcileTask(deletion, obs({}, { targets: [] })).actions).toEqual([
      { type: 'deleteTasks', uids: [1, 2] },
    ]);
    const done = reconcileTask(deletion, obs({}, { targets: [], deletedTasks: 2 }));
    expect(done.task.status).toBe('succeeded');
    expect(toTaskObject(done.task).details).toEqual({
      matchedTasks: 2,
      deletedTasks: 2,
      originalFilter: '?uids=1,2',
    });
  });
});

describe('next: properties', () => {
  const state = fc.constantFrom<CopyView['state']>('caught-up', 'lagging', 'stale');
  const view = fc.record({
    appliedSeq: fc.integer({ min: 0, max: 12 }),
    state,
    since: fc.integer({ min: 0, max: 4000 }),
    rejoin: fc.option(fc.integer({ min: 0, max: 12 })),
  });

  it('never settles before every copy that may serve reads applied the task', () => {
    fc.assert(
      fc.property(fc.array(view, { minLength: 1, maxLength: 4 }), (views) => {
        const targets = views.map((_, i) => `n${i}`);
        const copies = Object.fromEntries(
          views.map((v, i) => [
            `n${i}`,
            copy(v.appliedSeq, {
              state: v.state,
              stateSince: T0 + v.since,
              rejoinTarget: v.state === 'lagging' ? v.rejoin : null,
            }),
          ]),
        );
        const o = obs(copies, { targets });
        const step = reconcileTask(record(), o);
        const settled = step.task.status === 'succeeded' || step.task.status === 'failed';
        // A copy read by some gateway right now, or later without having applied the task:
        const mayServe = targets.filter((n) => {
          const c = copies[n]!;
          if (c.state === 'caught-up') return true;
          if (o.now - c.stateSince < READ_STATE_PROPAGATION_MS) return true;
          return c.state === 'lagging' && c.rejoinTarget !== null && c.rejoinTarget < SEQ;
        });
        if (settled) {
          for (const n of mayServe) expect(copies[n]!.appliedSeq).toBeGreaterThanOrEqual(SEQ);
          expect(targets.some((n) => copies[n]!.appliedSeq >= SEQ)).toBe(true);
        } else if (mayServe.length > 0) {
          expect(mayServe.some((n) => copies[n]!.appliedSeq < SEQ)).toBe(true);
        }
      }),
    );
  });
});
