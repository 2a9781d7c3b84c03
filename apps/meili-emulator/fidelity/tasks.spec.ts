/** Task objects, lifecycle, GET /tasks filters and paging, cancel and delete (emulator.md §2.2, §2.3, §5). */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, expectError, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(() => target.close());

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DURATION = /^P(\d+D)?(T\d+(\.\d{3}|\.\d{6}|\.\d{9})?S)?$/;

describe('tasks', () => {
  scenario('a finished task has every field of the task object', async () => {
    const uid = await api.createIndex('tshape');
    const reply = await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }]);
    const task = await api.waitTask(reply.body.taskUid);
    expect(task).toEqual({
      uid: reply.body.taskUid,
      batchUid: expect.any(Number),
      indexUid: uid,
      status: 'succeeded',
      type: 'documentAdditionOrUpdate',
      canceledBy: null,
      details: { receivedDocuments: 1, indexedDocuments: 1 },
      error: null,
      duration: expect.stringMatching(DURATION),
      enqueuedAt: expect.stringMatching(DATE),
      startedAt: expect.stringMatching(DATE),
      finishedAt: expect.stringMatching(DATE),
    });
    await api.deleteIndex(uid);
  });

  scenario(
    'GET /tasks filters by index, type, status and uid, newest first, with from/next paging',
    async () => {
      const uid = await api.createIndex('tlist');
      const uids: number[] = [];
      for (let i = 0; i < 3; i++)
        uids.push(
          (await api.request('POST', `/indexes/${uid}/documents`, [{ id: i }])).body.taskUid,
        );
      const bad = (await api.request('POST', `/indexes/${uid}/documents`, [{ nope: 1 }])).body
        .taskUid;
      await api.waitTask(bad);
      const mine = await api.request(
        'GET',
        `/tasks?indexUids=${uid}&types=documentAdditionOrUpdate`,
      );
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ total: 4, limit: 20, from: bad, next: null });
      expect(mine.body.results.map((t: { uid: number }) => t.uid)).toEqual([
        bad,
        ...[...uids].reverse(),
      ]);
      const failed = await api.request('GET', `/tasks?indexUids=${uid}&statuses=failed`);
      expect(failed.body.results.map((t: { uid: number }) => t.uid)).toEqual([bad]);
      const page1 = await api.request(
        'GET',
        `/tasks?indexUids=${uid}&types=documentAdditionOrUpdate&limit=2`,
      );
      expect(page1.body).toMatchObject({ limit: 2, from: bad, next: uids[1], total: 4 });
      const page2 = await api.request(
        'GET',
        `/tasks?indexUids=${uid}&types=documentAdditionOrUpdate&limit=2&from=${page1.body.next}`,
      );
      expect(page2.body.results.map((t: { uid: number }) => t.uid)).toEqual([uids[1], uids[0]]);
      expect(page2.body.next).toBeNull();
      const reversed = await api.request(
        'GET',
        `/tasks?indexUids=${uid}&types=documentAdditionOrUpdate&reverse=true&limit=1`,
      );
      expect(reversed.body).toMatchObject({ from: uids[0], next: uids[1] });
      const byUid = await api.request('GET', `/tasks?uids=${uids[0]},${bad}`);
      expect(byUid.body.results.map((t: { uid: number }) => t.uid)).toEqual([bad, uids[0]]);
      await api.deleteIndex(uid);
    },
  );

  scenario('GET /tasks date filters: bare dates and RFC 3339', async () => {
    const uid = await api.createIndex('tdate');
    const before = await api.request('GET', `/tasks?indexUids=${uid}&beforeEnqueuedAt=2000-01-01`);
    expect(before.body.total).toBe(0);
    const after = await api.request(
      'GET',
      `/tasks?indexUids=${uid}&afterEnqueuedAt=2000-01-01T00:00:00Z&afterFinishedAt=2000-01-01`,
    );
    expect(after.body.total).toBe(1);
    const future = await api.request('GET', `/tasks?indexUids=${uid}&afterStartedAt=2999-01-01`);
    expect(future.body.total).toBe(0);
    await api.deleteIndex(uid);
  });

  scenario('GET /tasks rejects bad filter values with their codes', async () => {
    const cases: Array<[string, string]> = [
      ['uids=abc', 'invalid_task_uids'],
      ['batchUids=x', 'invalid_batch_uids'],
      ['canceledBy=-1', 'invalid_task_canceled_by'],
      ['types=unknownType', 'invalid_task_types'],
      ['statuses=sleeping', 'invalid_task_statuses'],
      ['indexUids=bad%20uid', 'invalid_index_uid'],
      ['beforeEnqueuedAt=yesterday', 'invalid_task_before_enqueued_at'],
      ['afterEnqueuedAt=2021-13-45x', 'invalid_task_after_enqueued_at'],
      ['beforeStartedAt=x', 'invalid_task_before_started_at'],
      ['afterStartedAt=x', 'invalid_task_after_started_at'],
      ['beforeFinishedAt=x', 'invalid_task_before_finished_at'],
      ['afterFinishedAt=x', 'invalid_task_after_finished_at'],
      ['limit=x', 'invalid_task_limit'],
      ['from=x', 'invalid_task_from'],
    ];
    for (const [query, code] of cases)
      expectError(await api.request('GET', `/tasks?${query}`), 400, code);
  });

  scenario(
    'GET /tasks/{uid}: 404 task_not_found; non-numeric uid is invalid_task_uids',
    async () => {
      expectError(await api.request('GET', '/tasks/999999999'), 404, 'task_not_found');
      expectError(await api.request('GET', '/tasks/abc'), 400, 'invalid_task_uids');
    },
  );

  scenario(
    'cancel and delete need a filter; they answer 200 with a summary and count matches',
    async () => {
      expectError(await api.request('POST', '/tasks/cancel'), 400, 'missing_task_filters');
      expectError(await api.request('DELETE', '/tasks'), 400, 'missing_task_filters');
      expectError(
        await api.request('POST', '/tasks/cancel?statuses=nope'),
        400,
        'invalid_task_statuses',
      );
      const uid = await api.createIndex('tcancel');
      const done = (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).body
        .taskUid;
      await api.waitTask(done);
      const cancel = await api.request('POST', `/tasks/cancel?uids=${done}`);
      expect(cancel.status).toBe(200);
      expect(cancel.body).toMatchObject({
        indexUid: null,
        status: 'enqueued',
        type: 'taskCancelation',
      });
      expect(await api.waitTask(cancel.body.taskUid)).toMatchObject({
        status: 'succeeded',
        details: { matchedTasks: 1, canceledTasks: 0, originalFilter: `?uids=${done}` },
      });
      const del = await api.request('DELETE', `/tasks?uids=${done}`);
      expect(del.status).toBe(200);
      expect(del.body.type).toBe('taskDeletion');
      expect(await api.waitTask(del.body.taskUid)).toMatchObject({
        status: 'succeeded',
        details: { matchedTasks: 1, deletedTasks: 1, originalFilter: `?uids=${done}` },
      });
      expectError(await api.request('GET', `/tasks/${done}`), 404, 'task_not_found');
      await api.deleteIndex(uid);
    },
  );

  scenario('emulator-only: canceling enqueued tasks; the others run in uid order', async () => {
    if (!target.isEmulator) return;
    const uid = await api.createIndex('tqueue', { primaryKey: 'id' });
    await api.request('POST', '/_emulator/tasks/pause');
    const first = (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).body
      .taskUid;
    const second = (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 2 }])).body
      .taskUid;
    expect((await api.request('GET', `/tasks/${first}`)).body.status).toBe('enqueued');
    const cancel = (await api.request('POST', `/tasks/cancel?uids=${second}`)).body.taskUid;
    await api.request('POST', '/_emulator/tasks/resume');
    const canceled = await api.waitTask(second);
    expect(canceled).toMatchObject({
      status: 'canceled',
      canceledBy: cancel,
      details: { receivedDocuments: 1, indexedDocuments: 0 },
      error: null,
    });
    expect(await api.waitTask(cancel)).toMatchObject({
      details: { matchedTasks: 1, canceledTasks: 1 },
    });
    expect((await api.waitTask(first)).status).toBe('succeeded');
    const canceledBy = await api.request('GET', `/tasks?canceledBy=${cancel}`);
    expect(canceledBy.body.results.map((t: { uid: number }) => t.uid)).toEqual([second]);
    expectError(await api.request('GET', `/indexes/${uid}/documents/2`), 404, 'document_not_found');
    await api.deleteIndex(uid);
  });

  scenario(
    'emulator-only: a processing task is aborted by its cancelation and has no effect',
    async () => {
      if (!target.isEmulator) return;
      const uid = await api.createIndex('tabort', { primaryKey: 'id' });
      await api.request('PATCH', '/_emulator/config', { taskDelayMs: 5000 });
      try {
        const slow = (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).body
          .taskUid;
        for (
          let i = 0;
          i < 100 && (await api.request('GET', `/tasks/${slow}`)).body.status !== 'processing';
          i++
        )
          await new Promise((r) => setTimeout(r, 10));
        const stats = await api.request('GET', `/indexes/${uid}/stats`);
        expect(stats.body.isIndexing).toBe(true);
        await api.request('PATCH', '/_emulator/config', { taskDelayMs: 0 });
        const cancel = (await api.request('POST', `/tasks/cancel?uids=${slow}`)).body.taskUid;
        expect(await api.waitTask(slow)).toMatchObject({ status: 'canceled', canceledBy: cancel });
        expect((await api.request('GET', `/indexes/${uid}/stats`)).body.numberOfDocuments).toBe(0);
      } finally {
        await api.request('PATCH', '/_emulator/config', { taskDelayMs: 0 });
      }
      await api.deleteIndex(uid);
    },
  );
});
