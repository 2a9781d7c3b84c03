import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { coveringSet, targetPlacement, type Topology } from '#lib/routing';

function topology(groups: Record<string, string[]>, rf: number): Topology {
  return {
    nodes: Object.entries(groups).flatMap(([group, ids]) =>
      ids.map((id) => ({ id, url: `http://${id}`, group, state: 'active' as const })),
    ),
    replicationFactor: rf,
    epoch: 1,
  };
}

const everyone = () => true;

/** Shard → serving node; fails the test if a shard is served twice. */
function servedBy(requests: { nodeId: string; shards: number[] }[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const r of requests) {
    for (const s of r.shards) {
      expect(out.has(s)).toBe(false);
      out.set(s, r.nodeId);
    }
  }
  return out;
}

describe('coveringSet', () => {
  it('covers every shard exactly once, by an owner of the preferred group, when it is healthy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 64 }),
        fc.nat(),
        (n, rf, shards, rotation) => {
          const ids = Array.from({ length: n }, (_, i) => `m${i}`);
          const placement = targetPlacement(topology({ a: ids, b: ['x', 'y'] }, rf), shards);
          const set = coveringSet({ placement, group: 'a', isHealthy: everyone, rotation });
          expect(set.uncovered).toEqual([]);
          const served = servedBy(set.requests);
          expect(served.size).toBe(shards);
          for (const [shard, nodeId] of served) {
            expect(placement.groups.a![shard]!.owners).toContain(nodeId);
          }
          expect(set.requests.every((r) => r.group === 'a')).toBe(true);
        },
      ),
    );
  });

  it('touches few nodes: 2 of 3 with RF 2', () => {
    const placement = targetPlacement(topology({ a: ['m0', 'm1', 'm2'] }, 2), 64);
    for (let rotation = 0; rotation < 6; rotation++) {
      expect(
        coveringSet({ placement, group: 'a', isHealthy: everyone, rotation }).requests,
      ).toHaveLength(2);
    }
    const rf3 = targetPlacement(topology({ a: ['m0', 'm1', 'm2'] }, 3), 64);
    expect(
      coveringSet({ placement: rf3, group: 'a', isHealthy: everyone, rotation: 0 }).requests,
    ).toHaveLength(1);
  });

  it('spreads load over replicas across calls', () => {
    const placement = targetPlacement(topology({ a: ['m0', 'm1', 'm2', 'm3'] }, 2), 64);
    const load = new Map<string, number>();
    for (let rotation = 0; rotation < 400; rotation++) {
      for (const r of coveringSet({ placement, group: 'a', isHealthy: everyone, rotation })
        .requests) {
        load.set(r.nodeId, (load.get(r.nodeId) ?? 0) + r.shards.length);
      }
    }
    const total = 400 * 64;
    for (const id of ['m0', 'm1', 'm2', 'm3']) {
      expect(load.get(id)! / total).toBeGreaterThan(0.15);
      expect(load.get(id)! / total).toBeLessThan(0.35);
    }
  });

  it('fails over inside the group when an owner is down', () => {
    const placement = targetPlacement(topology({ a: ['m0', 'm1', 'm2'] }, 2), 32);
    const set = coveringSet({ placement, group: 'a', isHealthy: (id) => id !== 'm1', rotation: 7 });
    expect(set.uncovered).toEqual([]);
    expect(servedBy(set.requests).size).toBe(32);
    expect(set.requests.map((r) => r.nodeId).sort()).toEqual(['m0', 'm2']);
  });

  it('falls back to another group per shard, and reports what nobody can serve', () => {
    const placement = targetPlacement(topology({ a: ['m0', 'm1'], b: ['x'] }, 1), 16);
    const down = new Set(['m0']);
    const set = coveringSet({
      placement,
      group: 'a',
      isHealthy: (id) => !down.has(id),
      rotation: 0,
    });
    const served = servedBy(set.requests);
    expect(set.uncovered).toEqual([]);
    for (const [shard, nodeId] of served) {
      const owner = placement.groups.a![shard]!.owners[0];
      expect(nodeId).toBe(owner === 'm0' ? 'x' : owner);
    }
    expect(set.requests.find((r) => r.nodeId === 'x')?.group).toBe('b');

    down.add('x');
    const worse = coveringSet({
      placement,
      group: 'a',
      isHealthy: (id) => !down.has(id),
      rotation: 0,
    });
    const m0Shards = placement.groups.a!.flatMap((c, s) => (c.owners[0] === 'm0' ? [s] : []));
    expect(worse.uncovered).toEqual(m0Shards);
    expect(servedBy(worse.requests).size).toBe(16 - m0Shards.length);
  });

  it('is deterministic for a given rotation', () => {
    const placement = targetPlacement(topology({ a: ['m0', 'm1', 'm2', 'm3', 'm4'] }, 3), 64);
    const a = coveringSet({ placement, group: 'a', isHealthy: everyone, rotation: 3 });
    const b = coveringSet({ placement, group: 'a', isHealthy: everyone, rotation: 3 });
    expect(b).toEqual(a);
  });
});
