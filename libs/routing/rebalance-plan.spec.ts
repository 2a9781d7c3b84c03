import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  applyPlacementChange,
  holdsAnyCopy,
  holdsCopy,
  minimumMoves,
  moveKey,
  planRebalance,
  targetPlacement,
  withoutNode,
  writeTargets,
  type Placement,
  type Topology,
  type TopologyNode,
} from '#lib/routing';

const node = (id: string, state: TopologyNode['state'] = 'active'): TopologyNode => ({
  id,
  url: `http://${id}:7700`,
  group: '0',
  state,
});
const topo = (nodes: TopologyNode[], rf = 2): Topology => ({
  nodes,
  replicationFactor: rf,
  epoch: 1,
});

describe('placement steps of a shard move', () => {
  const before: Placement = {
    shards: 2,
    epoch: 1,
    groups: {
      '0': [
        { owners: ['a', 'b'], incoming: [] },
        { owners: ['a', 'c'], incoming: [] },
      ],
    },
  };

  it('incoming → cut-over → release moves one copy, holding it from the incoming position on', () => {
    const incoming = applyPlacementChange(
      before,
      { shard: 0, group: '0', step: 'incoming', node: 'd' },
      40,
    );
    expect(incoming.groups['0']![0]).toEqual({
      owners: ['a', 'b'],
      incoming: ['d'],
      since: { d: 40 },
    });
    // A writer replaying older messages with the newer placement does not take them.
    expect(holdsCopy(incoming, 'd', 0, 39)).toBe(false);
    expect(holdsCopy(incoming, 'd', 0, 40)).toBe(true);
    expect(holdsAnyCopy(incoming, 'd', 39)).toBe(false);
    const cut = applyPlacementChange(
      incoming,
      { shard: 0, group: '0', step: 'cutover', node: 'd', displaced: 'b' },
      55,
    );
    expect(cut.groups['0']![0]).toEqual({
      owners: ['a', 'd'],
      incoming: [],
      outgoing: ['b'],
      since: { d: 40 },
    });
    // The displaced copy still takes every write until it is released.
    expect(writeTargets(cut, 0)[0]!.nodes.sort()).toEqual(['a', 'b', 'd']);
    expect(holdsCopy(cut, 'b', 0, 60)).toBe(true);
    const released = applyPlacementChange(
      cut,
      { shard: 0, group: '0', step: 'release', node: 'b' },
      70,
    );
    expect(released.groups['0']![0]).toEqual({
      owners: ['a', 'd'],
      incoming: [],
      since: { d: 40 },
    });
    expect(holdsCopy(released, 'b', 0, 80)).toBe(false);
    // The other shard is untouched.
    expect(released.groups['0']![1]).toEqual(before.groups['0']![1]);
  });

  it('applying a step twice changes nothing (a step replayed after a crash)', () => {
    const steps = [
      { step: 'incoming' as const, node: 'd' },
      { step: 'cutover' as const, node: 'd', displaced: 'b' },
      { step: 'release' as const, node: 'b' },
    ];
    let p = before;
    for (const [i, s] of steps.entries()) {
      const once = applyPlacementChange(p, { shard: 0, group: '0', ...s }, 10 + i);
      expect(applyPlacementChange(once, { shard: 0, group: '0', ...s }, 90 + i)).toEqual(once);
      p = once;
    }
  });

  it('releasing an incoming copy abandons the move', () => {
    const incoming = applyPlacementChange(
      before,
      { shard: 1, group: '0', step: 'incoming', node: 'd' },
      5,
    );
    const back = applyPlacementChange(
      incoming,
      { shard: 1, group: '0', step: 'release', node: 'd' },
      9,
    );
    expect(back.groups['0']![1]).toEqual(before.groups['0']![1]);
  });

  it('withoutNode leaves a node holding nothing', () => {
    const p = withoutNode(before, 'a');
    expect(p.groups['0']!.map((c) => c.owners)).toEqual([['b'], ['c']]);
    expect(holdsAnyCopy(p, 'a', 1e9)).toBe(false);
  });
});

describe('planRebalance', () => {
  const three = [node('n1'), node('n2'), node('n3')];

  it('plans nothing when every placement is its HRW target', () => {
    const t = topo(three);
    const plan = planRebalance({
      topology: t,
      placements: { idx: targetPlacement(t, 32) },
      busy: new Set(),
      readable: () => true,
      room: 4,
    });
    expect(plan).toEqual({ moves: [], needed: 0, waiting: 0 });
  });

  it('adding a node moves only copies onto it, from a copy that keeps its own, within the room', () => {
    const before = targetPlacement(topo(three), 32);
    const after = topo([...three, node('n4', 'joining')]);
    const plan = planRebalance({
      topology: after,
      placements: { idx: before },
      busy: new Set(),
      readable: () => true,
      room: 4,
    });
    const target = targetPlacement(after, 32);
    const gained = target.groups['0']!.filter(
      (c, s) => !before.groups['0']![s]!.owners.includes('n4') && c.owners.includes('n4'),
    );
    expect(plan.needed).toBe(gained.length);
    expect(plan.moves).toHaveLength(4);
    expect(plan.waiting).toBe(gained.length - 4);
    for (const m of plan.moves) {
      expect(m.target).toBe('n4');
      const owners = before.groups['0']![m.shard]!.owners;
      expect(owners).toContain(m.displaced);
      expect(owners).toContain(m.source);
      expect(m.source).not.toBe(m.displaced); // the copy that stays is read, not the leaving one
    }
    // Against an even spread: 64 copies over 4 nodes → 16 must move at least.
    expect(minimumMoves(after, { idx: before })).toBe(16);
  });

  it('a shard with a move in progress waits; without a readable copy it waits too', () => {
    const t = topo([...three, node('n4')]);
    const before = targetPlacement(topo(three), 8);
    const all = planRebalance({
      topology: t,
      placements: { i: before },
      busy: new Set(),
      readable: () => true,
      room: 99,
    });
    const first = all.moves[0]!;
    const busy = planRebalance({
      topology: t,
      placements: { i: before },
      busy: new Set([moveKey('i', '0', first.shard)]),
      readable: () => true,
      room: 99,
    });
    expect(busy.moves.map((m) => m.shard)).not.toContain(first.shard);
    const dark = planRebalance({
      topology: t,
      placements: { i: before },
      busy: new Set(),
      readable: () => false,
      room: 99,
    });
    expect(dark.moves).toEqual([]);
    expect(dark.waiting).toBe(all.needed);
  });

  it('draining a node moves every copy it holds, and each shard keeps RF owners', () => {
    const before = targetPlacement(topo(three), 16);
    const t = topo([node('n1'), node('n2'), node('n3', 'draining')]);
    const plan = planRebalance({
      topology: t,
      placements: { i: before },
      busy: new Set(),
      readable: () => true,
      room: 99,
    });
    const held = before.groups['0']!.filter((c) => c.owners.includes('n3')).length;
    expect(plan.moves).toHaveLength(held);
    expect(plan.moves.every((m) => m.displaced === 'n3' && m.target !== 'n3')).toBe(true);
    expect(minimumMoves(t, { i: before })).toBe(held);
  });

  it('property: applying the planned moves step by step reaches the HRW target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 2, max: 6 }), (shards, n) => {
        const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`));
        let placement = targetPlacement(topo(nodes.slice(0, n - 1)), shards);
        const t = topo(nodes);
        let seq = 1;
        for (let round = 0; round < 10; round++) {
          const plan = planRebalance({
            topology: t,
            placements: { i: placement },
            busy: new Set(),
            readable: () => true,
            room: 99,
          });
          for (const m of plan.moves) {
            const change = { shard: m.shard, group: m.group };
            placement = applyPlacementChange(
              placement,
              { ...change, step: 'incoming', node: m.target },
              seq++,
            );
            placement = applyPlacementChange(
              placement,
              { ...change, step: 'cutover', node: m.target, displaced: m.displaced },
              seq++,
            );
            if (m.displaced) {
              placement = applyPlacementChange(
                placement,
                { ...change, step: 'release', node: m.displaced },
                seq++,
              );
            }
          }
          if (plan.needed === 0) break;
        }
        const target = targetPlacement(t, shards);
        expect(placement.groups['0']!.map((c) => [...c.owners].sort())).toEqual(
          target.groups['0']!.map((c) => [...c.owners].sort()),
        );
        expect(placement.groups['0']!.every((c) => c.incoming.length === 0 && !c.outgoing)).toBe(
          true,
        );
      }),
    );
  });
});
