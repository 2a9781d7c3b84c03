import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StaleFenceError } from './fence.js';
import type { IndexRecord } from './ports/index.port.js';
import type { MigrationRecord } from './ports/migration.port.js';
import type { Store } from './store.js';
import { iso, T0, type StoreHarness } from './contract-fixtures.js';

function index(uid: string): IndexRecord {
  return {
    uid,
    primaryKey: 'id',
    shards: 8,
    createdAt: iso(T0),
    updatedAt: iso(T0),
    settings: {},
    settingsVersion: 0,
  };
}

const placement = (owner: string) => ({
  shards: 1,
  groups: { g1: [{ owners: [owner], incoming: [] }] },
});

/** Index metadata, topology/placement, keys, hints and migrations, for any adapter. */
export function describeCoreContract(harness: StoreHarness): void {
  let store: Store;
  beforeAll(() => {
    store = harness.open();
  });
  afterAll(() => store.close());

  describe('indexes', () => {
    it('creates once, reads, updates, deletes, and lists by uid with paging', async () => {
      expect(await store.indexes.create(index('b'))).toBe(true);
      expect(await store.indexes.create(index('b'))).toBe(false);
      await store.indexes.create(index('a'));
      await store.indexes.create(index('c'));
      const updated = await store.indexes.update('b', (i) => ({
        ...i,
        uid: 'evil',
        settingsVersion: 3,
      }));
      expect(updated).toMatchObject({ uid: 'b', settingsVersion: 3 });
      expect((await store.indexes.get('b'))?.settingsVersion).toBe(3);
      expect(await store.indexes.update('nope', (i) => i)).toBeNull();
      const page = await store.indexes.list({ offset: 1, limit: 1 });
      expect(page).toEqual({ results: [expect.objectContaining({ uid: 'b' })], total: 3 });
      expect(await store.indexes.delete('a')).toBe(true);
      expect(await store.indexes.delete('a')).toBe(false);
      expect((await store.indexes.list()).results.map((i) => i.uid)).toEqual(['b', 'c']);
    });

    it('serialises concurrent updates (no lost update)', async () => {
      await store.indexes.create(index('counter'));
      const others = [harness.open(), harness.open()];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          others[i % 2]!.indexes.update('counter', (r) => ({
            ...r,
            settingsVersion: r.settingsVersion + 1,
          })),
        ),
      );
      await Promise.all(others.map((o) => o.close()));
      expect((await store.indexes.get('counter'))?.settingsVersion).toBe(30);
    });
  });

  describe('topology and placement', () => {
    it('commits with compare-and-set on one shared epoch', async () => {
      expect(await store.topology.epoch()).toBe(0);
      expect(await store.topology.getTopology()).toBeNull();
      const topology = {
        nodes: [
          {
            id: 'n1',
            url: 'http://n1',
            group: 'g1',
            state: 'active' as const,
            lastSeen: null,
            error: null,
          },
        ],
        replicationFactor: 1,
        replicaGroups: 1,
      };
      expect(
        await store.topology.commit({ topology, placements: { movies: placement('n1') } }, 0),
      ).toEqual({
        ok: true,
        epoch: 1,
      });
      expect(await store.topology.commit({ topology }, 0)).toEqual({ ok: false, epoch: 1 });
      expect(await store.topology.getTopology()).toEqual({ ...topology, epoch: 1 });
      expect(await store.topology.getPlacement('movies')).toEqual({ ...placement('n1'), epoch: 1 });
      await store.topology.commit({ placements: { books: placement('n2') } }, 1);
      expect(await store.topology.listPlacements()).toEqual({
        books: { ...placement('n2'), epoch: 2 },
        movies: { ...placement('n1'), epoch: 1 },
      });
      expect((await store.topology.getTopology())?.epoch).toBe(1);
      await store.topology.commit({ placements: { movies: null } }, 2);
      expect(await store.topology.getPlacement('movies')).toBeNull();
      expect(Object.keys(await store.topology.listPlacements())).toEqual(['books']);
      expect(await store.topology.epoch()).toBe(3);
      expect(await store.topology.snapshot()).toEqual({
        epoch: 3,
        topology: { ...topology, epoch: 1 },
        placements: { books: { ...placement('n2'), epoch: 2 } },
      });
    });

    it('lets exactly one of several concurrent committers win each epoch', async () => {
      const start = await store.topology.epoch();
      const handles = [store, harness.open(), harness.open()];
      const results = await Promise.all(
        handles.map((h, i) =>
          h.topology.commit({ placements: { race: placement(`n${i}`) } }, start),
        ),
      );
      await Promise.all(handles.slice(1).map((h) => h.close()));
      expect(results.filter((r) => r.ok)).toEqual([{ ok: true, epoch: start + 1 }]);
    });

    it('refuses a commit carrying a stale fencing token', async () => {
      const lease = (await store.leases.acquire('rebalancer', 'pod-a', 5000))!;
      const epoch = await store.topology.epoch();
      const fence = { scope: 'rebalancer', token: lease.token };
      expect(
        (await store.topology.commit({ placements: { fenced: placement('n1') } }, epoch, fence)).ok,
      ).toBe(true);
      await store.leases.release(lease);
      await expect(
        store.topology.commit({ placements: { fenced: null } }, epoch + 1, fence),
      ).rejects.toBeInstanceOf(StaleFenceError);
      expect(await store.topology.epoch()).toBe(epoch + 1);
    });
  });

  describe('keys', () => {
    it('stores key metadata by uid', async () => {
      const key = {
        uid: 'k-1',
        name: 'search',
        description: null,
        actions: ['search'],
        indexes: ['*'],
        expiresAt: null,
        createdAt: iso(T0),
        updatedAt: iso(T0),
      };
      expect(await store.keys.create(key)).toBe(true);
      expect(await store.keys.create(key)).toBe(false);
      expect(await store.keys.update('k-1', (k) => ({ ...k, name: 'renamed' }))).toMatchObject({
        name: 'renamed',
      });
      expect((await store.keys.list()).results).toEqual([{ ...key, name: 'renamed' }]);
      expect(await store.keys.delete('k-1')).toBe(true);
      expect(await store.keys.get('k-1')).toBeNull();
    });
  });

  describe('hints', () => {
    it('replays per node in order and forgets acked batches', async () => {
      const hint = (nodeId: string, taskUid: number) => ({
        nodeId,
        indexUid: 'movies',
        taskUid,
        request: { method: 'POST', body: [{ id: taskUid }] },
        createdAt: iso(T0),
      });
      const s1 = await store.hints.append(hint('n:1', 1));
      const s2 = await store.hints.append(hint('n2', 2));
      const s3 = await store.hints.append(hint('n:1', 3));
      expect(s1 < s2 && s2 < s3).toBe(true);
      expect(await store.hints.nodes()).toEqual(['n2', 'n:1'].sort());
      expect((await store.hints.pending('n:1')).map((b) => [b.seq, b.taskUid])).toEqual([
        [s1, 1],
        [s3, 3],
      ]);
      expect(await store.hints.pending('n:1', 1)).toEqual([{ ...hint('n:1', 1), seq: s1 }]);
      expect(await store.hints.ack('n:1', s1)).toBe(true);
      expect(await store.hints.ack('n:1', s1)).toBe(false);
      expect(await store.hints.count('n:1')).toBe(1);
      await store.hints.ack('n:1', s3);
      await store.hints.ack('n2', s2);
      expect(await store.hints.nodes()).toEqual([]);
    });
  });

  describe('migrations', () => {
    it('records phases and cursors under the rebalancer fence', async () => {
      const lease = (await store.leases.acquire('rebalancer', 'pod-m', 5000))!;
      const fence = { scope: 'rebalancer', token: lease.token };
      const m: MigrationRecord = {
        id: 'movies/3/g1/n4',
        indexUid: 'movies',
        shard: 3,
        group: 'g1',
        source: 'n1',
        target: 'n4',
        displaced: 'n2',
        phase: 'copy',
        cursor: null,
        counts: { copied: 0, verified: 0, deleted: 0 },
        attempts: 1,
        error: null,
        createdAt: iso(T0),
        updatedAt: iso(T0),
      };
      await store.migrations.put(m.id, m, { fence });
      await store.migrations.update(
        m.id,
        (r) => ({ ...r, cursor: '500', counts: { ...r.counts, copied: 500 } }),
        fence,
      );
      expect(await store.migrations.get(m.id)).toMatchObject({
        cursor: '500',
        counts: { copied: 500 },
      });
      await store.leases.release(lease);
      await expect(
        store.migrations.put(m.id, { ...m, phase: 'done' }, { fence }),
      ).rejects.toBeInstanceOf(StaleFenceError);
      await expect(store.migrations.delete(m.id, fence)).rejects.toBeInstanceOf(StaleFenceError);
      expect((await store.migrations.list()).results.map((r) => r.phase)).toEqual(['copy']);
      expect(await store.migrations.delete(m.id)).toBe(true);
    });
  });
}
