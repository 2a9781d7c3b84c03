/** Emulator-only: persistence with a db path (emulator.md §7.3). Starts its own emulators. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from '@jest/globals';
import { startEmulator, type EmulatorHandle } from '../index.js';
import { Api, scenario } from './harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meili-emulator-db-'));
  dirs.push(dir);
  return dir;
}

function client(node: EmulatorHandle): Api {
  return new Api({ url: node.url, masterKey: 'm', isEmulator: true, close: () => node.close() });
}

async function crash(api: Api): Promise<void> {
  expect((await api.request('POST', '/_emulator/crash')).status).toBe(202);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('emulator-only: persistence', () => {
  scenario(
    'a clean restart keeps indexes, settings, documents, tasks, keys and counters',
    async () => {
      const path = dbPath();
      const first = await startEmulator({ masterKey: 'm', dbPath: path });
      const api = client(first);
      const uid = await api.createIndex('keep', {
        primaryKey: 'id',
        settings: { filterableAttributes: ['g'] },
        documents: [
          { id: 1, g: 'a' },
          { id: '2', g: 'b' },
        ],
      });
      await api.waitTask((await api.request('DELETE', `/indexes/${uid}/documents/1`)).body.taskUid);
      const key = (
        await api.request('POST', '/keys', { actions: ['search'], indexes: [uid], expiresAt: null })
      ).body;
      const before = {
        tasks: (await api.request('GET', '/tasks')).body,
        keys: (await api.request('GET', '/keys')).body,
        index: (await api.request('GET', `/indexes/${uid}`)).body,
      };
      await first.close();

      const second = await startEmulator({ masterKey: 'm', dbPath: path });
      const again = client(second);
      try {
        expect((await again.request('GET', `/indexes/${uid}`)).body).toEqual(before.index);
        expect(
          (await again.request('GET', `/indexes/${uid}/settings/filterable-attributes`)).body,
        ).toEqual(['g']);
        expect((await again.request('GET', `/indexes/${uid}/documents`)).body.results).toEqual([
          { id: '2', g: 'b' },
        ]);
        expect((await again.request('GET', '/tasks')).body).toEqual(before.tasks);
        expect((await again.request('GET', '/keys')).body).toEqual(before.keys);
        expect(
          (
            await again.request(
              'POST',
              `/indexes/${uid}/search`,
              { filter: 'g = b' },
              { key: key.key },
            )
          ).body.hits,
        ).toEqual([{ id: '2', g: 'b' }]);
        const next = await again.request('POST', `/indexes/${uid}/documents`, [{ id: 3 }]);
        expect(next.body.taskUid).toBe(before.tasks.results[0].uid + 1);
        expect((await again.waitTask(next.body.taskUid)).batchUid).toBe(
          before.tasks.results[0].batchUid + 1,
        );
      } finally {
        await second.close();
      }
    },
  );

  scenario(
    'a crash keeps every acknowledged write (journal replay), including failed tasks and deletions',
    async () => {
      const path = dbPath();
      const first = await startEmulator({ masterKey: 'm', dbPath: path, onCrash: () => undefined });
      const api = client(first);
      const uid = await api.createIndex('crash', {
        primaryKey: 'id',
        documents: [{ id: 1 }, { id: 2 }],
      });
      const failed = await api.waitTask(
        (await api.request('POST', '/indexes/crash-other/documents', [{ title: 'no id' }])).body
          .taskUid,
      );
      expect(failed.status).toBe('failed');
      await api.waitTask((await api.request('DELETE', `/indexes/${uid}/documents/2`)).body.taskUid);
      const key = (
        await api.request('POST', '/keys', { actions: ['*'], indexes: ['*'], expiresAt: null })
      ).body;
      await crash(api);

      const second = await startEmulator({ masterKey: 'm', dbPath: path });
      const again = client(second);
      try {
        expect((await again.request('GET', `/indexes/${uid}/documents`)).body.results).toEqual([
          { id: 1 },
        ]);
        expect((await again.request('GET', '/indexes/crash-other')).body.primaryKey).toBeNull(); // created by the failed addition
        expect((await again.request('GET', `/tasks/${failed.uid}`)).body).toEqual(failed);
        expect((await again.request('GET', `/keys/${key.uid}`)).body.key).toBe(key.key);
      } finally {
        await second.close();
      }
    },
  );

  scenario('a task processing at the crash is enqueued again and runs after restart', async () => {
    const path = dbPath();
    const first = await startEmulator({
      masterKey: 'm',
      dbPath: path,
      taskDelayMs: 10_000,
      onCrash: () => undefined,
    });
    const api = client(first);
    const taskUid = (await api.request('POST', '/indexes', { uid: 'slow' })).body.taskUid;
    for (
      let i = 0;
      i < 100 && (await api.request('GET', `/tasks/${taskUid}`)).body.status !== 'processing';
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    await crash(api);
    const second = await startEmulator({ masterKey: 'm', dbPath: path });
    try {
      expect(await client(second).waitTask(taskUid)).toMatchObject({ status: 'succeeded' });
    } finally {
      await second.close();
    }
  });

  scenario(
    'flush compacts the journal into a snapshot; an unknown formatVersion refuses to start',
    async () => {
      const path = dbPath();
      const node = await startEmulator({ masterKey: 'm', dbPath: path });
      const api = client(node);
      await api.createIndex('flush');
      expect((await api.request('POST', '/_emulator/flush')).status).toBe(204);
      expect(readFileSync(join(path, 'journal.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(path, 'snapshot.json'), 'utf8')).formatVersion).toBe(1);
      await node.close();
      const snapshot = JSON.parse(readFileSync(join(path, 'snapshot.json'), 'utf8'));
      writeFileSync(
        join(path, 'snapshot.json'),
        JSON.stringify({ ...snapshot, formatVersion: 99 }),
      );
      await expect(startEmulator({ masterKey: 'm', dbPath: path })).rejects.toThrow(
        /formatVersion/,
      );
    },
  );
});
