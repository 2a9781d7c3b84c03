import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AdminSessionRecord } from './ports/session.port.js';
import type { Store } from './store.js';
import { iso, sleep, T0, type StoreHarness } from './contract-fixtures.js';

/** TTL tables, jobs and the small feature tables, for any adapter. */
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

  describe('jobs', () => {
    it('claims in creation order, heartbeats, reports progress, and finishes', async () => {
      const job = (id: string, type = 'dump-import') => ({
        id,
        type,
        params: { file: id },
        createdAt: iso(T0),
      });
      expect(await store.jobs.create(job('j/1'))).toBe(true);
      expect(await store.jobs.create(job('j/1'))).toBe(false);
      await store.jobs.create(job('j2'));
      await store.jobs.create(job('other', 'backfill'));
      const c1 = (await store.jobs.claimNext('dump-import', 'w1', 5000))!;
      expect(c1).toMatchObject({
        id: 'j/1',
        state: 'claimed',
        worker: 'w1',
        attempts: 1,
        params: { file: 'j/1' },
      });
      expect((await store.jobs.claimNext('dump-import', 'w2', 5000))!.id).toBe('j2');
      expect(await store.jobs.claimNext('dump-import', 'w3', 5000)).toBeNull();
      expect(await store.jobs.heartbeat('j/1', 'w2', 5000)).toBe(false);
      expect(await store.jobs.heartbeat('j/1', 'w1', 5000)).toBe(true);
      expect(await store.jobs.progress('j/1', 'w1', { cursor: 10 })).toBe(true);
      expect(await store.jobs.complete('j/1', 'w1')).toBe(true);
      expect(await store.jobs.get('j/1')).toMatchObject({
        state: 'done',
        worker: null,
        progress: { cursor: 10 },
      });
      expect(await store.jobs.fail('j2', 'w2', 'boom')).toBe(true);
      expect(await store.jobs.get('j2')).toMatchObject({ state: 'failed', error: 'boom' });
      expect((await store.jobs.list()).map((j) => j.id)).toEqual(['j/1', 'j2', 'other']);
      expect((await store.jobs.list('backfill')).map((j) => j.id)).toEqual(['other']);
      for (const id of ['j/1', 'j2', 'other']) expect(await store.jobs.delete(id)).toBe(true);
      expect(await store.jobs.delete('j2')).toBe(false);
    });

    it('lets another worker take over a lapsed claim', async () => {
      await store.jobs.create({ id: 'lapse', type: 'reshard', params: null, createdAt: iso(T0) });
      await store.jobs.claimNext('reshard', 'w1', 50);
      await sleep(120);
      const taken = (await store.jobs.claimNext('reshard', 'w2', 5000))!;
      expect(taken).toMatchObject({ worker: 'w2', attempts: 2 });
      expect(await store.jobs.progress('lapse', 'w1', 1)).toBe(false);
      await store.jobs.delete('lapse');
    });
  });

  describe('small feature tables', () => {
    it('canary runs keep the newest 100', async () => {
      for (let i = 0; i < 105; i++) {
        await store.canaryRuns.record({
          canaryId: 'c1',
          at: iso(T0 + i),
          ok: i % 2 === 0,
          latencyMs: i,
          failures: [],
        });
      }
      const runs = await store.canaryRuns.recent('c1');
      expect(runs).toHaveLength(100);
      expect(runs[0]!.latencyMs).toBe(104);
      expect(runs[99]!.latencyMs).toBe(5);
      expect((await store.canaryRuns.recent('c1', 2)).map((r) => r.latencyMs)).toEqual([104, 103]);
      await store.canaryRuns.clear('c1');
      expect(await store.canaryRuns.recent('c1')).toEqual([]);
    });

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

    it('rate-limit counters count per fixed window', async () => {
      const a = await store.rateLimits.hit('key:abc', 60_000);
      const b = await store.rateLimits.hit('key:abc', 60_000, 2);
      expect(b.count).toBe(a.count + 2);
      expect(b.resetAt).toBe(a.resetAt);
      expect(b.resetAt % 60_000).toBe(0);
    });

    it('node settings versions, CDC cursors, tenants, rollover policies and search UI configs', async () => {
      await store.nodeSettingsVersions.put('movies/n1', {
        indexUid: 'movies',
        nodeId: 'n1',
        version: 3,
        verifiedAt: iso(T0),
      });
      await store.cdcCursors.put('s3/movies', {
        sink: 's3',
        indexUid: 'movies',
        sequence: 42,
        updatedAt: iso(T0),
      });
      await store.tenants.put('hash1', { keyHash: 'hash1', tenant: 'acme', group: 'g2' });
      const policy = {
        name: 'logs',
        writeAlias: 'logs-w',
        readAlias: 'logs',
        namePattern: 'logs-{n}',
        triggers: { maxDocuments: 1e6 },
        retention: 3,
        template: {},
      };
      await store.rolloverPolicies.put('logs', policy);
      await store.searchUiConfigs.put('movies', {
        indexUid: 'movies',
        config: { title: 'Movies' },
        updatedAt: iso(T0),
      });
      expect((await store.nodeSettingsVersions.get('movies/n1'))?.version).toBe(3);
      expect((await store.cdcCursors.list()).results).toEqual([
        expect.objectContaining({ sequence: 42 }),
      ]);
      expect((await store.tenants.get('hash1'))?.tenant).toBe('acme');
      expect(await store.rolloverPolicies.get('logs')).toEqual(policy);
      expect((await store.searchUiConfigs.list()).total).toBe(1);
      for (const [t, id] of [
        [store.nodeSettingsVersions, 'movies/n1'],
        [store.cdcCursors, 's3/movies'],
        [store.tenants, 'hash1'],
        [store.rolloverPolicies, 'logs'],
        [store.searchUiConfigs, 'movies'],
      ] as const) {
        expect(await t.delete(id)).toBe(true);
        expect((await t.list()).total).toBe(0);
      }
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
