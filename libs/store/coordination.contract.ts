import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StaleFenceError } from './fence.js';
import type { Store } from './store.js';
import { iso, sleep, T0, type StoreHarness } from './contract-fixtures.js';

/** Aliases and leases (with fencing), for any adapter. */
export function describeCoordinationContract(harness: StoreHarness): void {
  let store: Store;
  beforeAll(() => {
    store = harness.open();
  });
  afterAll(() => store.close());

  describe('aliases', () => {
    const flip = (targets: string[], extra = {}) => ({
      targets,
      actor: 'ops',
      flippedAt: iso(T0),
      ...extra,
    });

    it('creates at version 0 and flips atomically with bounded history', async () => {
      const created = {
        name: 'live',
        kind: 'single' as const,
        targets: ['v1'],
        ownerPolicy: null,
        createdAt: iso(T0),
      };
      expect(await store.aliases.create(created)).toBe(true);
      expect(await store.aliases.create(created)).toBe(false);
      expect(await store.aliases.get('live')).toMatchObject({
        version: 0,
        history: [],
        targets: ['v1'],
      });
      for (let v = 1; v <= 11; v++) {
        const r = await store.aliases.flip('live', flip([`v${v + 1}`]));
        expect(r.ok && r.alias.version).toBe(v);
      }
      const a = (await store.aliases.get('live'))!;
      expect(a.targets).toEqual(['v12']);
      expect(a.history.map((h) => h.version)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
      expect(a.history[0]).toEqual({
        version: 11,
        targets: ['v12'],
        flippedAt: iso(T0),
        actor: 'ops',
      });
      expect(await store.aliases.flip('live', flip(['x'], { expectedVersion: 3 }))).toEqual({
        ok: false,
        reason: 'version_mismatch',
        version: 11,
      });
      expect(await store.aliases.flip('ghost', flip(['x']))).toEqual({
        ok: false,
        reason: 'not_found',
        version: null,
      });
      expect((await store.aliases.list()).map((x) => x.name)).toEqual(['live']);
      expect(await store.aliases.delete('live')).toBe(true);
      expect(await store.aliases.get('live')).toBeNull();
    });

    it('serialises concurrent flips: each one gets its own version', async () => {
      await store.aliases.create({
        name: 'hot',
        kind: 'single',
        targets: ['a'],
        ownerPolicy: null,
        createdAt: iso(T0),
      });
      const handles = [store, harness.open(), harness.open(), harness.open()];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => handles[i % 4]!.aliases.flip('hot', flip([`t${i}`]))),
      );
      await Promise.all(handles.slice(1).map((h) => h.close()));
      const versions = results.map((r) => (r.ok ? r.alias.version : -1)).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const final = (await store.aliases.get('hot'))!;
      expect(final.version).toBe(40);
      expect(final.history).toHaveLength(10);
      // The newest history entry is the flip that produced the final targets.
      expect(final.history[0]).toMatchObject({ version: 40, targets: final.targets });
    });

    it('refuses a flip carrying a stale fencing token', async () => {
      const lease = (await store.leases.acquire('alias:hot', 'pod-a', 5000))!;
      const fence = { scope: 'alias:hot', token: lease.token };
      expect((await store.aliases.flip('hot', flip(['f1'], { fence }))).ok).toBe(true);
      await store.leases.release(lease);
      await store.leases.acquire('alias:hot', 'pod-b', 5000);
      await expect(store.aliases.flip('hot', flip(['f2'], { fence }))).rejects.toBeInstanceOf(
        StaleFenceError,
      );
      expect((await store.aliases.get('hot'))!.targets).toEqual(['f1']);
    });
  });

  describe('leases', () => {
    it('has one holder at a time among concurrent contenders; tokens grow per acquisition', async () => {
      const handles = [store, harness.open(), harness.open(), harness.open(), harness.open()];
      const tokens: number[] = [];
      for (let round = 0; round < 3; round++) {
        const got = await Promise.all(
          handles.map((h, i) => h.leases.acquire('race', `pod-${i}`, 5000)),
        );
        const winners = got.filter((l) => l !== null);
        expect(winners).toHaveLength(1);
        const lease = winners[0]!;
        tokens.push(lease.token);
        expect(await store.leases.get('race')).toEqual(lease);
        expect(await store.leases.release(lease)).toBe(true);
      }
      await Promise.all(handles.slice(1).map((h) => h.close()));
      expect(tokens[1]).toBeGreaterThan(tokens[0]!);
      expect(tokens[2]).toBeGreaterThan(tokens[1]!);
    });

    it('never has two holders while contenders keep acquiring and releasing', async () => {
      const handles = [store, harness.open(), harness.open(), harness.open()];
      let holder: string | null = null;
      let overlaps = 0;
      const tokens: number[] = [];
      const contender = async (h: Store, me: string) => {
        for (let won = 0; won < 5;) {
          const lease = await h.leases.acquire('churn', me, 5000);
          if (lease === null) {
            await sleep(1);
            continue;
          }
          if (holder !== null) overlaps++;
          holder = me;
          tokens.push(lease.token);
          await sleep(2);
          holder = null;
          expect(await h.leases.release(lease)).toBe(true);
          won++;
        }
      };
      await Promise.all(handles.map((h, i) => contender(h, `pod-${i}`)));
      await Promise.all(handles.slice(1).map((h) => h.close()));
      expect(overlaps).toBe(0);
      expect(tokens).toHaveLength(20);
      // Acquisition order is token order: every acquisition got a larger token than the last.
      expect(tokens.every((t, i) => i === 0 || t > tokens[i - 1]!)).toBe(true);
    });

    it('expires, renews only for the holder, and refuses stale tokens after a takeover', async () => {
      const a = (await store.leases.acquire('short', 'pod-a', 300))!;
      expect(await store.leases.renew(a, 300)).toBe(true);
      expect(await store.leases.acquire('short', 'pod-b', 300)).toBeNull();
      await sleep(450);
      expect(await store.leases.get('short')).toBeNull();
      expect(await store.leases.renew(a, 300)).toBe(false);
      const b = (await store.leases.acquire('short', 'pod-b', 5000))!;
      expect(b.token).toBeGreaterThan(a.token);
      expect(await store.leases.isCurrent({ scope: 'short', token: a.token })).toBe(false);
      expect(await store.leases.isCurrent({ scope: 'short', token: b.token })).toBe(true);
      expect(await store.leases.release(a)).toBe(false);
      await expect(
        store.searchUiConfigs.put('c', uiConfig('c'), {
          fence: { scope: 'short', token: a.token },
        }),
      ).rejects.toBeInstanceOf(StaleFenceError);
      expect(await store.searchUiConfigs.get('c')).toBeNull();
      await store.searchUiConfigs.put('c', uiConfig('c'), {
        fence: { scope: 'short', token: b.token },
      });
      expect(await store.searchUiConfigs.get('c')).toEqual(uiConfig('c'));
      await store.leases.release(b);
      await store.searchUiConfigs.delete('c');
    });
  });
}

function uiConfig(indexUid: string) {
  return { indexUid, config: { title: indexUid }, updatedAt: '2030-01-01T00:00:00.000Z' };
}
