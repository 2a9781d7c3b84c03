import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StaleFenceError } from './fence.js';
import type { CatalogRecord } from './ports/catalog.port.js';
import type { WriterStatus } from './ports/writer.port.js';
import type { MigrationRecord } from './ports/migration.port.js';
import type { Store } from './store.js';
import { iso, T0, type StoreHarness } from './contract-fixtures.js';

function index(uid: string, nodeUid = uid): CatalogRecord {
  return {
    uid,
    nodeUid,
    primaryKey: 'id',
    primaryKeyFixed: false,
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

function writer(nodeId: string, appliedSeq: number): WriterStatus {
  return {
    nodeId,
    sentSeq: appliedSeq,
    appliedSeq,
    oldestPendingAt: null,
    lastNodeTaskUid: null,
    inflight: [],
    state: 'caught-up',
    stateSince: T0,
    rejoinTarget: null,
    lagMessages: 0,
    retries: 0,
    refusedParts: 0,
    holder: null,
    updatedAt: T0,
    error: null,
  };
}

/** The catalog, topology/placement, writers, keys and migrations, for any adapter. */
export function describeCoreContract(harness: StoreHarness): void {
  let store: Store;
  beforeAll(() => {
    store = harness.open();
  });
  afterAll(() => store.close());

  describe('catalog', () => {
    it('applies meta changes once and in order, and tells a gap from a repeat', async () => {
      expect(await store.catalog.seq()).toBe(0);
      const created = {
        seq: 3,
        prevSeq: 0,
        records: { b: index('b'), a: index('a') },
        dropped: [],
      };
      expect(await store.catalog.apply(created)).toBe('applied');
      expect(await store.catalog.apply(created)).toBe('already');
      expect(await store.catalog.apply({ ...created, seq: 9, prevSeq: 5 })).toBe('gap');
      expect(await store.catalog.seq()).toBe(3);
      expect((await store.catalog.list()).map((r) => r.uid)).toEqual(['a', 'b']);
      expect(await store.catalog.nodeIndex('a')).toEqual({ uid: 'a', deletedAtSeq: null });
    });

    it('swaps node indexes between uids and ends a deleted one at its position', async () => {
      // a ⇄ b swap: each uid now names the other's node index.
      expect(
        await store.catalog.apply({
          seq: 4,
          prevSeq: 3,
          records: { a: index('a', 'b'), b: index('b', 'a') },
          dropped: [],
        }),
      ).toBe('applied');
      expect(await store.catalog.get('a')).toMatchObject({ uid: 'a', nodeUid: 'b' });
      expect(await store.catalog.nodeIndex('b')).toEqual({ uid: 'a', deletedAtSeq: null });
      expect(
        await store.catalog.apply({ seq: 7, prevSeq: 4, records: { a: null }, dropped: ['b'] }),
      ).toBe('applied');
      expect(await store.catalog.get('a')).toBeNull();
      expect(await store.catalog.nodeIndex('b')).toEqual({ uid: null, deletedAtSeq: 7 });
      expect((await store.catalog.list()).map((r) => [r.uid, r.nodeUid])).toEqual([['b', 'a']]);
      expect(await store.catalog.nodeIndex('nope')).toBeNull();
    });

    it('lets exactly one of many concurrent appliers of one change win', async () => {
      const others = [harness.open(), harness.open(), harness.open()];
      const change = { seq: 12, prevSeq: 7, records: { c: index('c') }, dropped: [] };
      const results = await Promise.all(others.map((o) => o.catalog.apply(change)));
      await Promise.all(others.map((o) => o.close()));
      expect(results.filter((r) => r === 'applied')).toHaveLength(1);
      expect(results.filter((r) => r === 'already')).toHaveLength(2);
    });
  });

  describe('writers', () => {
    it('keeps each node writer status, fenced by its lease', async () => {
      const lease = (await store.leases.acquire('writer:n1', 'p1', 60_000))!;
      const fence = { scope: lease.scope, token: lease.token };
      await store.writers.put(writer('n1', 5), fence);
      await store.writers.put(writer('n0', 2));
      expect((await store.writers.get('n1'))?.appliedSeq).toBe(5);
      expect((await store.writers.list()).map((w) => w.nodeId)).toEqual(['n0', 'n1']);
      await store.leases.release(lease);
      const next = (await store.leases.acquire('writer:n1', 'p2', 60_000))!;
      await expect(store.writers.put(writer('n1', 6), fence)).rejects.toBeInstanceOf(
        StaleFenceError,
      );
      await store.writers.put(writer('n1', 6), { scope: next.scope, token: next.token });
      expect((await store.writers.get('n1'))?.appliedSeq).toBe(6);
      await store.writers.remove('n0');
      expect(await store.writers.get('n0')).toBeNull();
    });

    it('records part outcomes per task and node, and drops them', async () => {
      await store.writers.recordOutcomes('n1', [
        { uid: 4, outcome: { status: 'succeeded' } },
        { uid: 5, outcome: { status: 'skipped', reason: 'index-deleted' } },
      ]);
      await store.writers.recordOutcomes('n2', [{ uid: 4, outcome: { status: 'succeeded' } }]);
      expect(await store.writers.outcomes(4)).toEqual({
        n1: { status: 'succeeded' },
        n2: { status: 'succeeded' },
      });
      await store.writers.dropOutcomes([4, 5]);
      expect(await store.writers.outcomes(4)).toEqual({});
    });

    it('keeps the first report of a broken copy until it is cleared', async () => {
      await store.writers.breakCopy('n7', 'refused task 4');
      await store.writers.breakCopy('n7', 'refused task 5');
      expect(await store.writers.copyBreak('n7')).toBe('refused task 4');
      await store.writers.clearCopyBreak('n7');
      expect(await store.writers.copyBreak('n7')).toBeNull();
    });

    it('cancels all or nothing: a started task cannot be canceled, a canceled one never starts', async () => {
      expect([...(await store.writers.start([20]))]).toEqual([]);
      expect(await store.writers.cancel([20, 21, 22], 99)).toEqual([21, 22]);
      expect(await store.writers.cancel([21], 100)).toEqual([]);
      expect([...(await store.writers.start([20, 21, 23]))]).toEqual([[21, 99]]);
      expect(await store.writers.gate(20)).toEqual({ started: true, canceledBy: null });
      expect(await store.writers.gate(22)).toEqual({ started: false, canceledBy: 99 });
      expect(await store.writers.gate(30)).toEqual({ started: false, canceledBy: null });
    });

    it('lets one side win when writers start and a cancel races them', async () => {
      const uids = Array.from({ length: 50 }, (_, i) => 1000 + i);
      const [a, b] = [harness.open(), harness.open()];
      const [canceledOnStart, canceled] = await Promise.all([
        a.writers.start(uids),
        b.writers.cancel(uids, 7),
      ]);
      await Promise.all([a.close(), b.close()]);
      expect([...canceledOnStart.keys()].sort()).toEqual([...canceled].sort());
      for (const uid of uids) {
        const gate = await store.writers.gate(uid);
        expect(gate.started !== (gate.canceledBy !== null)).toBe(true);
      }
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

  describe('migrations', () => {
    it('records phases and cursors under the rebalancer fence', async () => {
      const lease = (await store.leases.acquire('rebalancer', 'pod-m', 5000))!;
      const fence = { scope: 'rebalancer', token: lease.token };
      const m: MigrationRecord = {
        id: 'movies-1.g1.3.n4',
        run: 'r1',
        indexUid: 'movies',
        nodeUid: 'movies-1',
        shard: 3,
        group: 'g1',
        source: 'n1',
        target: 'n4',
        displaced: 'n2',
        phase: 'copy',
        incomingSeq: 10,
        cursor: 0,
        counts: { copied: 0, total: 0, repaired: 0 },
        cutoverEpoch: null,
        attempts: 1,
        error: null,
        createdAt: iso(T0),
        updatedAt: iso(T0),
        finishedAt: null,
      };
      await store.migrations.put(m.id, m, { fence });
      await store.migrations.update(
        m.id,
        (r) => ({ ...r, cursor: 500, counts: { ...r.counts, copied: 500 } }),
        fence,
      );
      expect(await store.migrations.get(m.id)).toMatchObject({
        cursor: 500,
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
