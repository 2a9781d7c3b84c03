/** Emulator-only: the /_emulator/ admin API and fault injection (emulator.md §7.2). */
import { afterAll, afterEach, beforeAll, describe, expect } from '@jest/globals';
import { startEmulator, type EmulatorHandle } from '../index.js';
import { Api, expectError, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterEach(async () => {
  if (!target.isEmulator) return;
  await api.request('DELETE', '/_emulator/faults');
  await api.request('POST', '/_emulator/up');
});
afterAll(() => target.close());

async function addFault(rule: object): Promise<string> {
  const reply = await api.request('POST', '/_emulator/faults', rule);
  expect(reply.status).toBe(201);
  return reply.body.id;
}

describe('emulator-only: fault injection', () => {
  scenario('GET state needs no key and reports counts, config and faults', async () => {
    if (!target.isEmulator) return;
    const state = await api.request('GET', '/_emulator/state', undefined, { key: null });
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({
      config: { taskDelayMs: 0, taskDelayJitterMs: 0 },
      counts: { indexes: expect.any(Number) },
      faults: [],
      down: null,
      paused: false,
    });
  });

  scenario('latency: delay rules add up on matching requests only', async () => {
    if (!target.isEmulator) return;
    await addFault({ match: { route: 'search' }, effect: { delayMs: 150 } });
    await addFault({
      match: { method: 'GET', path: '/version' },
      effect: { delayMs: 200, jitterMs: 0 },
    });
    const started = Date.now();
    expect((await api.request('GET', '/version')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    const quick = Date.now();
    await api.request('GET', '/health');
    expect(Date.now() - quick).toBeLessThan(150);
  });

  scenario(
    '5xx: status effects with the default internal error, a custom code, an empty or HTML body',
    async () => {
      if (!target.isEmulator) return;
      await addFault({ match: { path: '/version' }, effect: { status: 500 }, times: 1 });
      expectError(await api.request('GET', '/version'), 500, 'internal', 'internal');
      expect((await api.request('GET', '/version')).status).toBe(200); // times: 1 used up
      await addFault({
        match: { route: 'tasks' },
        effect: { status: 503, body: '<html>bad gateway</html>' },
      });
      const html = await api.request('GET', '/tasks');
      expect({ status: html.status, body: html.body }).toEqual({
        status: 503,
        body: '<html>bad gateway</html>',
      });
      await api.request('DELETE', '/_emulator/faults');
      await addFault({ match: { route: 'indexes' }, effect: { status: 502, body: '' }, after: 1 });
      expect((await api.request('GET', '/indexes')).status).toBe(200); // after: 1 lets the first through
      const empty = await api.request('GET', '/indexes');
      expect({ status: empty.status, body: empty.body }).toEqual({ status: 502, body: undefined });
    },
  );

  scenario('hang never answers; reset and dropResponse destroy the connection', async () => {
    if (!target.isEmulator) return;
    await addFault({ match: { path: '/version' }, effect: 'hang', times: 1 });
    const hung = fetch(`${target.url}/version`, { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toThrow();
    await addFault({ match: { path: '/stats' }, effect: 'reset', times: 1 });
    await expect(api.request('GET', '/stats')).rejects.toThrow();
    const uid = await api.createIndex('drop');
    await addFault({
      match: { route: 'documents', method: 'POST' },
      effect: 'dropResponse',
      times: 1,
    });
    await expect(api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).rejects.toThrow();
    expect((await api.request('GET', '/_emulator/tasks/idle?timeoutMs=5000')).status).toBe(200);
    expect((await api.request('GET', `/indexes/${uid}/stats`)).body.numberOfDocuments).toBe(1); // the work was done
    await api.deleteIndex(uid);
  });

  scenario(
    'down modes: status → 503 empty, reset, hang; the admin API still answers; up revives',
    async () => {
      if (!target.isEmulator) return;
      expect((await api.request('POST', '/_emulator/down', { mode: 'status' })).status).toBe(204);
      const down = await api.request('GET', '/health');
      expect({ status: down.status, body: down.body }).toEqual({ status: 503, body: undefined });
      await api.request('POST', '/_emulator/down', { mode: 'reset' });
      await expect(api.request('GET', '/health')).rejects.toThrow();
      await api.request('POST', '/_emulator/down', { mode: 'hang' });
      await expect(
        fetch(`${target.url}/health`, { signal: AbortSignal.timeout(200) }),
      ).rejects.toThrow();
      expect((await api.request('GET', '/_emulator/state')).body.down).toBe('hang');
      expect((await api.request('POST', '/_emulator/up')).status).toBe(204);
      expect((await api.request('GET', '/health')).status).toBe(200);
      expectError(
        await api.request('POST', '/_emulator/down', { mode: 'sideways' }),
        400,
        'bad_request',
      );
    },
  );

  scenario(
    'refuse stops listening; the adminPort brings it back; durationMs revives on its own',
    async () => {
      if (!target.isEmulator) return;
      const node: EmulatorHandle = await startEmulator({ adminPort: 0 });
      try {
        const admin = node.adminUrl!;
        expect(
          (
            await fetch(`${admin}/_emulator/down`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"mode":"refuse"}',
            })
          ).status,
        ).toBe(204);
        await new Promise((r) => setTimeout(r, 50));
        await expect(fetch(`${node.url}/health`)).rejects.toThrow();
        expect((await fetch(`${admin}/_emulator/up`, { method: 'POST' })).status).toBe(204);
        expect((await fetch(`${node.url}/health`)).status).toBe(200);
        await fetch(`${admin}/_emulator/down`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"mode":"refuse","durationMs":200}',
        });
        await new Promise((r) => setTimeout(r, 50));
        await expect(fetch(`${node.url}/health`)).rejects.toThrow();
        await new Promise((r) => setTimeout(r, 300));
        expect((await fetch(`${node.url}/health`)).status).toBe(200);
      } finally {
        await node.close();
      }
    },
  );

  scenario(
    'task faults fail the next matching tasks with the given code; pause, resume and idle',
    async () => {
      if (!target.isEmulator) return;
      const uid = await api.createIndex('tfault', { primaryKey: 'id' });
      expect(
        (
          await api.request('POST', '/_emulator/task-faults', {
            match: { indexUid: uid, type: 'documentAdditionOrUpdate' },
            error: { code: 'internal' },
            times: 1,
          })
        ).status,
      ).toBe(201);
      const failed = await api.waitTask(
        (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).body.taskUid,
      );
      expect({ status: failed.status, code: failed.error?.code, type: failed.error?.type }).toEqual(
        { status: 'failed', code: 'internal', type: 'internal' },
      );
      await api.request('POST', '/_emulator/tasks/pause');
      const next = (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).body
        .taskUid;
      expect((await api.request('GET', '/_emulator/tasks/idle?timeoutMs=100')).status).toBe(408);
      await api.request('POST', '/_emulator/tasks/resume');
      expect((await api.request('GET', '/_emulator/tasks/idle?timeoutMs=5000')).status).toBe(200);
      expect((await api.request('GET', `/tasks/${next}`)).body.status).toBe('succeeded');
      await api.deleteIndex(uid);
    },
  );

  scenario(
    'request log records method, path, index, status and key; reset gives a fresh node',
    async () => {
      if (!target.isEmulator) return;
      const node = await startEmulator({ masterKey: 'm' });
      try {
        const local = new Api({
          url: node.url,
          masterKey: 'm',
          isEmulator: true,
          close: async () => undefined,
        });
        await local.createIndex('log');
        await local.request('GET', '/indexes/nope-x', undefined);
        const log = (await local.request('GET', '/_emulator/requests')).body.results;
        expect(log.at(-1)).toMatchObject({
          method: 'GET',
          path: '/indexes/nope-x',
          index: 'nope-x',
          status: 404,
          durationMs: expect.any(Number),
          keyUid: null,
          time: expect.any(String),
        });
        expect((await local.request('DELETE', '/_emulator/requests')).status).toBe(204);
        expect((await local.request('GET', '/_emulator/requests')).body.results).toEqual([]);
        const oldKeys = (await local.request('GET', '/keys')).body.results.map(
          (k: { uid: string }) => k.uid,
        );
        expect((await local.request('POST', '/_emulator/reset')).status).toBe(204);
        expect((await local.request('GET', '/indexes')).body.total).toBe(0);
        const first = await local.request('POST', '/indexes', { uid: 'fresh' });
        expect(first.body.taskUid).toBe(0);
        const newKeys = (await local.request('GET', '/keys')).body.results.map(
          (k: { uid: string }) => k.uid,
        );
        expect(newKeys).toHaveLength(4);
        expect(newKeys.some((uid: string) => oldKeys.includes(uid))).toBe(false);
      } finally {
        await node.close();
      }
    },
  );

  scenario('PATCH config changes the task delay live; bad admin input is a 400', async () => {
    if (!target.isEmulator) return;
    expect(
      (await api.request('PATCH', '/_emulator/config', { taskDelayMs: 100 })).body,
    ).toMatchObject({ taskDelayMs: 100 });
    try {
      const uid = await api.createIndex('cfg');
      const task = await api.waitTask(
        (await api.request('POST', `/indexes/${uid}/documents`, [{ id: 1 }])).body.taskUid,
      );
      expect(Date.parse(task.finishedAt) - Date.parse(task.startedAt)).toBeGreaterThanOrEqual(95);
      await api.deleteIndex(uid);
    } finally {
      await api.request('PATCH', '/_emulator/config', { taskDelayMs: 0 });
    }
    expectError(
      await api.request('PATCH', '/_emulator/config', { taskDelayMs: -1 }),
      400,
      'bad_request',
    );
    expectError(
      await api.request('POST', '/_emulator/faults', { effect: 'explode' }),
      400,
      'bad_request',
    );
  });
});
