import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { TaskFilter, TaskQuery, TaskRecord } from './ports/task.port.js';
import { TASK_STATUSES } from './ports/task.port.js';
import type { Store } from './store.js';
import { matchesTask, pageTasks } from './task-query.js';
import { iso, T0, task, type StoreHarness } from './contract-fixtures.js';

const TYPES = ['documentAdditionOrUpdate', 'settingsUpdate', 'indexDeletion'];
const INDEXES = ['movies', 'books', 'a:b'];

/** A varied, deterministic set of tasks: statuses, types, indexes, times, cancellations. */
function corpus(n: number): TaskRecord[] {
  return Array.from({ length: n }, (_, uid) => {
    const status = TASK_STATUSES[uid % 5]!;
    const started = status !== 'enqueued' ? iso(T0 + uid * 1000 + 100) : null;
    const finished = ['succeeded', 'failed', 'canceled'].includes(status)
      ? iso(T0 + uid * 1000 + 300)
      : null;
    return task(uid, {
      status,
      type: TYPES[uid % 3]!,
      indexUid: uid % 7 === 6 ? null : INDEXES[uid % 3]!,
      startedAt: started,
      finishedAt: finished,
      canceledBy: status === 'canceled' ? 1000 + (uid % 2) : null,
    });
  });
}

const arbFilter: fc.Arbitrary<TaskQuery> = fc.record(
  {
    uids: fc.array(fc.integer({ min: 0, max: 45 }), { maxLength: 6 }),
    statuses: fc.subarray([...TASK_STATUSES]),
    types: fc.subarray([...TYPES, 'dumpCreation']),
    indexUids: fc.subarray([...INDEXES, 'none']),
    canceledBy: fc.subarray([1000, 1001, 7]),
    afterEnqueuedAt: fc.integer({ min: T0 - 1000, max: T0 + 45_000 }),
    beforeEnqueuedAt: fc.integer({ min: T0, max: T0 + 45_000 }),
    afterStartedAt: fc.integer({ min: T0, max: T0 + 45_000 }),
    beforeFinishedAt: fc.integer({ min: T0, max: T0 + 45_000 }),
    limit: fc.integer({ min: 0, max: 12 }),
    from: fc.integer({ min: 0, max: 45 }),
    reverse: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** The task sequence and records, with Meilisearch's GET /tasks semantics, for any adapter. */
export function describeTaskContract(harness: StoreHarness): void {
  let store: Store;
  beforeAll(() => {
    store = harness.open();
  });
  afterAll(() => store.close());

  describe('records and GET /tasks', () => {
    const all = corpus(40);
    beforeAll(async () => {
      for (const t of all) expect(await store.tasks.create(t)).toBe(true);
    });

    it('creates once and reads back the record', async () => {
      expect(await store.tasks.create(task(3))).toBe(false);
      expect(await store.tasks.get(7)).toEqual(all[7]);
      expect(await store.tasks.get(999)).toBeNull();
    });

    it('pages newest first with from/next, and oldest first with reverse', async () => {
      const p1 = await store.tasks.list({ limit: 15 });
      expect(p1.results.map((t) => t.uid)).toEqual(Array.from({ length: 15 }, (_, i) => 39 - i));
      expect(p1).toMatchObject({ total: 40, limit: 15, from: 39, next: 24 });
      const p3 = await store.tasks.list({ limit: 15, from: 9 });
      expect(p3).toMatchObject({ total: 40, from: 9, next: null });
      expect(p3.results).toHaveLength(10);
      const r = await store.tasks.list({ reverse: true, limit: 2, from: 5 });
      expect(r.results.map((t) => t.uid)).toEqual([5, 6]);
      expect(r.next).toBe(7);
      expect((await store.tasks.list()).limit).toBe(20);
    });

    it('filters like Meilisearch (AND across fields, OR within, exclusive dates)', async () => {
      const uidsOf = async (q: TaskQuery) =>
        (await store.tasks.list({ limit: 100, ...q })).results.map((t) => t.uid);
      expect(await uidsOf({ statuses: ['failed'], indexUids: ['movies'] })).toEqual([33, 18, 3]);
      expect(await uidsOf({ canceledBy: [1001] })).toEqual([39, 29, 19, 9]);
      expect(await uidsOf({ afterEnqueuedAt: T0 + 37_000 })).toEqual([39, 38]);
      expect(await uidsOf({ beforeEnqueuedAt: T0 + 2000 })).toEqual([1, 0]);
      expect(
        await uidsOf({ uids: [2, 4, 99], types: ['settingsUpdate', 'indexDeletion'] }),
      ).toEqual([4, 2]);
      expect(await uidsOf({ statuses: [] })).toEqual([]);
      expect(
        (await store.tasks.list({ afterFinishedAt: T0 })).results.every(
          (t) => t.finishedAt !== null,
        ),
      ).toBe(true);
    });

    it('answers any filter exactly as the reference semantics', async () => {
      await fc.assert(
        fc.asyncProperty(arbFilter, async (q) => {
          const expected = pageTasks(
            all.filter((t) => matchesTask(t, q)),
            q,
          );
          expect(await store.tasks.list(q)).toEqual(expected);
        }),
        { numRuns: 150 },
      );
    });

    it('moves a task between filter sets when it is updated', async () => {
      const done = await store.tasks.update(0, (t) => ({
        ...t,
        status: 'succeeded',
        finishedAt: iso(T0 + 5),
      }));
      expect(done?.status).toBe('succeeded');
      expect(
        (await store.tasks.list({ statuses: ['enqueued'], limit: 100 })).results.map((t) => t.uid),
      ).not.toContain(0);
      expect(
        (await store.tasks.list({ statuses: ['succeeded'], beforeFinishedAt: T0 + 6 })).results,
      ).toEqual([done]);
      expect(await store.tasks.update(999, (t) => t)).toBeNull();
    });

    it('keeps every concurrent update (optimistic retry)', async () => {
      const handles = [store, harness.open(), harness.open()];
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          handles[i % 3]!.tasks.update(1, (t) => ({
            ...t,
            nodeTasks: {
              ...t.nodeTasks,
              [`n${i}`]: { taskUid: i, status: 'succeeded', error: null },
            },
          })),
        ),
      );
      await Promise.all(handles.slice(1).map((h) => h.close()));
      expect(Object.keys((await store.tasks.get(1))!.nodeTasks)).toHaveLength(25);
    });

    it('deletes by filter and prunes finished tasks older than the cutoff', async () => {
      const filter: TaskFilter = { indexUids: ['books'], statuses: ['failed', 'canceled'] };
      const doomed = (await store.tasks.list({ ...filter, limit: 100 })).total;
      expect(doomed).toBeGreaterThan(0);
      expect(await store.tasks.deleteWhere(filter)).toBe(doomed);
      expect((await store.tasks.list(filter)).total).toBe(0);
      const before = (await store.tasks.list({ limit: 0 })).total;
      const old = (await store.tasks.list({ beforeFinishedAt: T0 + 20_000, limit: 0 })).total;
      expect(await store.tasks.prune(T0 + 20_000)).toBe(old);
      const after = await store.tasks.list({ limit: 100 });
      expect(after.total).toBe(before - old);
      expect(
        after.results.every(
          (t) => t.finishedAt === null || Date.parse(t.finishedAt) >= T0 + 20_000,
        ),
      ).toBe(true);
    });

    it('refuses unusable filters instead of crashing', async () => {
      await expect(store.tasks.list({ afterEnqueuedAt: Number.NaN })).rejects.toThrow(RangeError);
      await expect(store.tasks.list({ uids: [-1] })).rejects.toThrow(RangeError);
      await expect(store.tasks.create(task(1.5))).rejects.toThrow(RangeError);
    });
  });
}
