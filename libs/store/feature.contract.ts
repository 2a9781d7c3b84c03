import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AdminSessionRecord } from './ports/session.port.js';
import type { Store } from './store.js';
import { iso, sleep, T0, type StoreHarness } from './contract-fixtures.js';

/** TTL tables and the small feature tables, for any adapter. */
export function describeFeatureContract(harness: StoreHarness): void {
  let store: Store;
  beforeAll(() => {
    store = harness.open();
  });
  afterAll(() => store.close());

  describe('TTL tables', () => {
    it('expire sessions, idempotency entries, admin sessions and beacons', async () => {
      const ttl = { ttlMs: 400 };
      await store.sessions.put(
        's1',
        { id: 's1', lastWriteTask: 4, pinnedGroup: 'g1', minSettingsVersion: {} },
        ttl,
      );
      const idem = { key: 'k1', bodyHash: 'h', taskUid: 4, createdAt: iso(T0) };
      expect(await store.idempotency.putIfAbsent('k1', idem, ttl)).toBeNull();
      expect(await store.idempotency.putIfAbsent('k1', { ...idem, taskUid: 5 }, ttl)).toEqual(idem);
      await store.beacons.put(
        'pod-1',
        { pod: 'pod-1', generations: { movies: 2 }, seenAt: iso(T0) },
        ttl,
      );
      await store.beacons.put(
        'pod-2',
        { pod: 'pod-2', generations: {}, seenAt: iso(T0) },
        { ttlMs: 10_000 },
      );
      expect(await store.adminSessions.create(adminSession('a1', Date.now() + 400))).toBe(true);
      expect(await store.adminSessions.create(adminSession('old', Date.now() - 1))).toBe(false);
      expect((await store.beacons.list()).results.map((b) => b.pod)).toEqual(['pod-1', 'pod-2']);
      expect(await store.sessions.get('s1')).not.toBeNull();
      await sleep(600);
      expect(await store.sessions.get('s1')).toBeNull();
      expect(await store.idempotency.get('k1')).toBeNull();
      expect(await store.adminSessions.get('a1')).toBeNull();
      expect(await store.beacons.list()).toEqual({
        results: [expect.objectContaining({ pod: 'pod-2' })],
        total: 1,
      });
      expect((await store.idempotency.list()).total).toBe(0);
      await store.beacons.delete('pod-2');
      expect((await store.beacons.list()).total).toBe(0);
      await expect(
        store.sessions.put('bad', {
          id: 'bad',
          lastWriteTask: null,
          pinnedGroup: null,
          minSettingsVersion: {},
        }),
      ).rejects.toThrow(RangeError);
    });

    it('keeps the TTL when a record is updated', async () => {
      await store.sessions.put(
        's2',
        { id: 's2', lastWriteTask: 1, pinnedGroup: null, minSettingsVersion: {} },
        { ttlMs: 400 },
      );
      expect(await store.sessions.update('s2', (s) => ({ ...s, lastWriteTask: 2 }))).toMatchObject({
        lastWriteTask: 2,
      });
      await sleep(600);
      expect(await store.sessions.get('s2')).toBeNull();
    });

    it('publishes admin session revocation to subscribers', async () => {
      const heard: string[] = [];
      const listener = harness.open();
      const unsubscribe = await listener.adminSessions.onRevoked((id) => heard.push(id));
      await store.adminSessions.create(adminSession('a2', Date.now() + 10_000));
      expect(await store.adminSessions.revoke('a2')).toBe(true);
      expect(await store.adminSessions.revoke('missing')).toBe(false);
      for (let i = 0; i < 50 && heard.length === 0; i++) await sleep(10);
      expect(heard).toEqual(['a2']);
      expect(await store.adminSessions.get('a2')).toMatchObject({ revoked: true });
      expect((await store.adminSessions.list()).results.map((s) => s.id)).toEqual(['a2']);
      await unsubscribe();
      await store.adminSessions.delete('a2');
      await listener.close();
    });
  });

  describe('small feature tables', () => {
    it('scoped key records promote once per generation', async () => {
      const rec = {
        indexUid: 'movies',
        primaryUid: 'k1',
        previousUid: null,
        rotatedAt: null,
        generation: 1,
        state: 'stable' as const,
        nextUid: null,
      };
      expect(await store.scopedKeys.put(rec, null)).toEqual({ ok: true, record: rec });
      expect(await store.scopedKeys.put(rec, null)).toEqual({ ok: false, generation: 1 });
      const promoted = {
        ...rec,
        primaryUid: 'k2',
        previousUid: 'k1',
        generation: 2,
        state: 'promoted' as const,
      };
      const both = await Promise.all([
        store.scopedKeys.put(promoted, 1),
        store.scopedKeys.put(promoted, 1),
      ]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(await store.scopedKeys.get('movies')).toEqual(promoted);
      expect(await store.scopedKeys.list()).toEqual([promoted]);
      expect(await store.scopedKeys.delete('movies')).toBe(true);
    });

    it('the node key record is its own table, promoted once per generation', async () => {
      const rec = {
        indexUid: 'node',
        primaryUid: 'k1',
        previousUid: null,
        rotatedAt: null,
        generation: 1,
        state: 'stable' as const,
        nextUid: null,
        sealedKey: 'v1.a.b.c',
        grants: { actions: ['*'], indexes: ['*'] },
      };
      expect(await store.nodeKeys.put(rec, null)).toEqual({ ok: true, record: rec });
      expect(await store.scopedKeys.get('node')).toBeNull();
      const promoted = { ...rec, primaryUid: 'k2', generation: 2, sealedKey: 'v1.d.e.f' };
      const both = await Promise.all([
        store.nodeKeys.put(promoted, 1),
        store.nodeKeys.put(promoted, 1),
      ]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(await store.nodeKeys.get('node')).toEqual(promoted);
      expect(await store.scopedKeys.list()).toEqual([]);
    });

    it('search UI configs', async () => {
      await store.searchUiConfigs.put('movies', {
        indexUid: 'movies',
        config: { title: 'Movies' },
        updatedAt: iso(T0),
      });
      expect((await store.searchUiConfigs.get('movies'))?.config).toEqual({ title: 'Movies' });
      expect((await store.searchUiConfigs.list()).total).toBe(1);
      expect(await store.searchUiConfigs.delete('movies')).toBe(true);
      expect((await store.searchUiConfigs.list()).total).toBe(0);
    });
  });
}

function adminSession(id: string, expiresAtMs: number): AdminSessionRecord {
  return {
    id,
    csrfToken: 'csrf',
    adminKeyHash: 'h',
    expiresAt: iso(expiresAtMs),
    revoked: false,
    userAgent: 'jest',
    ip: '127.0.0.1',
    createdAt: iso(T0),
  };
}
