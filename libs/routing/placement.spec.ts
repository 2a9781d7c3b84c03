import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  diffPlacement,
  routeDocuments,
  shardOf,
  targetPlacement,
  writeTargets,
  type Placement,
  type Topology,
  type TopologyNode,
} from '#lib/routing';

const node = (id: string, group = '0', state: TopologyNode['state'] = 'active'): TopologyNode => ({
  id,
  url: `http://${id}:7700`,
  group,
  state,
});

function topology(groups: Record<string, string[]>, rf: number): Topology {
  return {
    nodes: Object.entries(groups).flatMap(([g, ids]) => ids.map((id) => node(id, g))),
    replicationFactor: rf,
    epoch: 1,
  };
}

/** Every (group, shard, node) copy of a placement. */
function copies(placement: Placement): Set<string> {
  const out = new Set<string>();
  for (const [group, shards] of Object.entries(placement.groups)) {
    shards.forEach((c, shard) => c.owners.forEach((n) => out.add(`${group}/${shard}/${n}`)));
  }
  return out;
}

const nodeIds = (prefix: string) =>
  fc
    .uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), { minLength: 1, maxLength: 8 })
    .map((ids) => ids.map((id) => `${prefix}${id}`));

describe('targetPlacement', () => {
  it('matches the routing.md fixture for meili-0..2, RF 2', () => {
    const p = targetPlacement(topology({ '0': ['meili-0', 'meili-1', 'meili-2'] }, 2), 8);
    expect(p.groups['0']!.map((c) => c.owners.map((id) => Number(id.slice(-1))))).toEqual([
      [1, 0],
      [1, 2],
      [2, 0],
      [0, 1],
      [2, 1],
      [0, 1],
      [0, 1],
      [1, 2],
    ]);
  });

  it('is deterministic and independent of node order', () => {
    fc.assert(
      fc.property(
        nodeIds('n'),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 64 }),
        (ids, rf, s) => {
          const a = targetPlacement(topology({ '0': ids }, rf), s);
          const b = targetPlacement(topology({ '0': [...ids].reverse() }, rf), s);
          expect(b).toEqual(a);
          expect(targetPlacement(topology({ '0': ids }, rf), s)).toEqual(a);
        },
      ),
    );
  });

  it('gives every shard min(RF, N) distinct owners in every group', () => {
    fc.assert(
      fc.property(nodeIds('a'), nodeIds('b'), fc.integer({ min: 1, max: 3 }), (g0, g1, rf) => {
        const p = targetPlacement(topology({ g0, g1 }, rf), 32);
        for (const [g, ids] of [
          ['g0', g0],
          ['g1', g1],
        ] as const) {
          for (const c of p.groups[g]!) {
            expect(new Set(c.owners).size).toBe(Math.min(rf, ids.length));
            expect(c.owners.every((o) => ids.includes(o))).toBe(true);
          }
        }
      }),
    );
  });

  it('gives no data to draining or removed nodes, and keeps failed nodes as owners', () => {
    const t = topology({ '0': ['a', 'b', 'c'] }, 2);
    t.nodes[0]!.state = 'draining';
    t.nodes[1]!.state = 'failed';
    const p = targetPlacement(t, 16);
    expect(copies(p).size).toBe(32);
    for (const c of p.groups['0']!) expect(c.owners.sort()).toEqual(['b', 'c']);
  });

  it('spreads copies close to uniformly over nodes for large S', () => {
    const ids = ['n0', 'n1', 'n2', 'n3', 'n4'];
    const p = targetPlacement(topology({ '0': ids }, 2), 4096);
    const perNode = new Map<string, number>();
    for (const c of p.groups['0']!)
      for (const o of c.owners) perNode.set(o, (perNode.get(o) ?? 0) + 1);
    const expected = (4096 * 2) / ids.length;
    for (const id of ids)
      expect(Math.abs(perNode.get(id)! - expected) / expected).toBeLessThan(0.08);
  });
});

describe('placement diff', () => {
  it('adding a node moves about 1/(N+1) of the group, only onto the new node', () => {
    const S = 256;
    fc.assert(
      fc.property(nodeIds('n'), fc.integer({ min: 1, max: 3 }), (ids, rf) => {
        const before = targetPlacement(topology({ '0': ids, '1': ['other-a', 'other-b'] }, rf), S);
        const after = targetPlacement(
          topology({ '0': [...ids, 'newcomer'], '1': ['other-a', 'other-b'] }, rf),
          S,
        );
        const { moves, drops } = diffPlacement(before, after);
        expect(drops).toEqual([]);
        for (const m of moves) {
          expect(m.group).toBe('0'); // other groups untouched
          expect(m.to).toBe('newcomer'); // never between two old nodes
          if (m.from !== null) expect(m.source).not.toBeNull();
        }
        const copiesInGroup = S * Math.min(rf, ids.length + 1);
        if (ids.length >= rf) {
          // HRW: the newcomer takes each copy slot with probability 1/(N+1).
          const expected = copiesInGroup / (ids.length + 1);
          expect(Math.abs(moves.length - expected)).toBeLessThan(4 * Math.sqrt(expected) + 2);
        } else {
          // Fewer nodes than RF: every shard simply gains the newcomer as one more copy.
          expect(moves.length).toBe(S);
          expect(moves.every((m) => m.from === null)).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('removing a node moves only the copies it held', () => {
    fc.assert(
      fc.property(nodeIds('n'), fc.integer({ min: 1, max: 3 }), fc.nat(), (ids, rf, pick) => {
        fc.pre(ids.length >= 2);
        const gone = ids[pick % ids.length]!;
        const before = targetPlacement(topology({ '0': ids, '1': ['x', 'y'] }, rf), 128);
        const after = targetPlacement(
          topology({ '0': ids.filter((i) => i !== gone), '1': ['x', 'y'] }, rf),
          128,
        );
        const { moves, drops } = diffPlacement(before, after);
        const held = [...copies(before)].filter((c) => c.endsWith(`/${gone}`)).length;
        for (const m of moves) {
          expect(m.group).toBe('0');
          expect(m.from).toBe(gone);
          expect(m.to).not.toBe(gone);
          expect(m.source).not.toBeNull();
        }
        for (const d of drops) expect(d.node).toBe(gone);
        expect(moves.length + drops.length).toBe(held);
      }),
      { numRuns: 60 },
    );
  });

  it('fills a new group from scratch and leaves the old one alone', () => {
    const before = targetPlacement(topology({ '0': ['a', 'b', 'c'] }, 2), 16);
    const after = targetPlacement(topology({ '0': ['a', 'b', 'c'], '1': ['d', 'e'] }, 2), 16);
    const { moves } = diffPlacement(before, after);
    expect(moves).toHaveLength(32);
    expect(moves.every((m) => m.group === '1' && m.from === null && m.source === null)).toBe(true);
  });

  it('refuses placements with different shard counts', () => {
    const t = topology({ '0': ['a'] }, 1);
    expect(() => diffPlacement(targetPlacement(t, 8), targetPlacement(t, 16))).toThrow(RangeError);
  });
});

describe('write targets and document routing', () => {
  const placement = targetPlacement(topology({ '0': ['a', 'b', 'c'], '1': ['d', 'e'] }, 2), 16);

  it('targets owners and incoming copies in every group', () => {
    const p = structuredClone(placement);
    p.groups['0']![5]!.incoming = ['z'];
    expect(writeTargets(p, 5)).toEqual([
      { group: '0', nodes: [...p.groups['0']![5]!.owners, 'z'] },
      { group: '1', nodes: p.groups['1']![5]!.owners },
    ]);
  });

  it('sends every document to every copy of its shard, one batch per node, in payload order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ minLength: 1 }), fc.nat()), { maxLength: 300 }),
        (pks) => {
          const route = routeDocuments(pks, placement);
          const received = new Map<number, string[]>();
          for (const [nodeId, docs] of route.batches) {
            expect([...docs].sort((x, y) => x - y)).toEqual(docs);
            for (const i of docs) received.set(i, [...(received.get(i) ?? []), nodeId]);
          }
          pks.forEach((pk, i) => {
            const shard = shardOf(pk, 16);
            expect(route.shards[i]).toBe(shard);
            const expected = writeTargets(placement, shard).flatMap((t) => t.nodes);
            expect((received.get(i) ?? []).sort()).toEqual(expected.sort());
          });
        },
      ),
    );
  });
});
