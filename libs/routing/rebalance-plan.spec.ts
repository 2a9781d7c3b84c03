import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  applyPlacementChange,
  holdsAnyCopy,
  holdsCopy,
  isFilling,
  minimumMoves,
  moveKey,
  planRebalance,
  balancedPlacement,
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
      at: 40,
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
      at: 55,
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
      at: 70,
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
      expect(applyPlacementChange(once, { shard: 0, group: '0', ...s }, 10 + i)).toEqual(once);
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
    expect(back.groups['0']![1]).toEqual({ ...before.groups['0']![1], at: 9 });
  });

  it('filled ends the guard of an incoming copy; the cut-over and a release clear it', () => {
    const step = (
      p: Placement,
      step: 'incoming' | 'filled' | 'cutover' | 'release',
      node: string,
      seq: number,
      displaced?: string,
    ) =>
      applyPlacementChange(
        p,
        { shard: 0, group: '0', step, node, ...(displaced ? { displaced } : {}) },
        seq,
      );
    const incoming = step(before, 'incoming', 'd', 10);
    expect(isFilling(incoming, 'd', 0)).toBe(true);
    // Only an incoming copy can be filled.
    expect(step(before, 'filled', 'd', 11).groups['0']![0]!.filled).toBeUndefined();
    const filled = step(incoming, 'filled', 'd', 11);
    expect(filled.groups['0']![0]!.filled).toEqual(['d']);
    expect(isFilling(filled, 'd', 0)).toBe(false);
    // Still read from nowhere but written: a filled copy is still incoming.
    expect(filled.groups['0']![0]!.incoming).toEqual(['d']);
    const cut = step(filled, 'cutover', 'd', 12, 'b');
    expect(cut.groups['0']![0]!.filled).toBeUndefined();
    expect(step(filled, 'release', 'd', 12).groups['0']![0]!.filled).toBeUndefined();
    // A move starting again on the same node starts guarded.
    const again = step(step(filled, 'release', 'd', 12), 'incoming', 'd', 20);
    expect(isFilling(again, 'd', 0)).toBe(true);
  });

  it('a release never reaches an owner: a move canceled after its cut-over reached the log keeps the copy', () => {
    // The runner appended the cut-over (30), crashed before recording it, found its target
    // draining and appended a release (31): the cut-over copy stays an owner, the displaced outgoing.
    const incoming = applyPlacementChange(
      before,
      { shard: 0, group: '0', step: 'incoming', node: 'd' },
      10,
    );
    const cut = applyPlacementChange(
      incoming,
      { shard: 0, group: '0', step: 'cutover', node: 'd', displaced: 'b' },
      30,
    );
    const released = applyPlacementChange(
      cut,
      { shard: 0, group: '0', step: 'release', node: 'd' },
      31,
    );
    expect(released.groups['0']![0]!.owners).toEqual(['a', 'd']);
    expect(released.groups['0']![0]!.outgoing).toEqual(['b']);
    expect(holdsCopy(released, 'd', 0, 40)).toBe(true);
    // An original owner (no incoming position) is never released either.
    const owner = applyPlacementChange(
      before,
      { shard: 0, group: '0', step: 'release', node: 'a' },
      5,
    );
    expect(owner.groups['0']![0]!.owners).toEqual(['a', 'b']);
  });

  it('reinstate makes an outgoing copy own again, and nothing else', () => {
    const step = (
      p: Placement,
      s: 'cutover' | 'reinstate' | 'release',
      node: string,
      seq: number,
    ) => applyPlacementChange(p, { shard: 0, group: '0', step: s, node, displaced: 'b' }, seq);
    const incoming = applyPlacementChange(
      before,
      { shard: 0, group: '0', step: 'incoming', node: 'd' },
      10,
    );
    const cut = step(incoming, 'cutover', 'd', 20);
    expect(step(cut, 'reinstate', 'b', 30).groups['0']![0]).toMatchObject({
      owners: ['a', 'd', 'b'],
    });
    expect(step(cut, 'reinstate', 'b', 30).groups['0']![0]!.outgoing).toBeUndefined();
    // Released first (log order): reinstating comes too late and changes nothing.
    const released = step(cut, 'release', 'b', 25);
    expect(step(released, 'reinstate', 'b', 30).groups['0']![0]!.owners).toEqual(['a', 'd']);
    // Never makes an incoming copy an owner.
    expect(step(incoming, 'reinstate', 'd', 30).groups['0']![0]!.owners).toEqual(['a', 'b']);
  });

  it('withoutNode leaves a node holding nothing', () => {
    const p = withoutNode(before, 'a');
    expect(p.groups['0']!.map((c) => c.owners)).toEqual([['b'], ['c']]);
    expect(holdsAnyCopy(p, 'a', 1e9)).toBe(false);
  });
});

describe('planRebalance', () => {
  const three = [node('n1'), node('n2'), node('n3')];
  const none = new Map();
  const loads = (p: Placement) => {
    const held = new Map<string, number>();
    for (const c of p.groups['0']!) for (const o of c.owners) held.set(o, (held.get(o) ?? 0) + 1);
    return held;
  };
  /** Applies every planned move (incoming, cut-over, release) until nothing is planned; returns the moves made. */
  function rebalance(placement: Placement, t: Topology): { placement: Placement; moved: number } {
    let seq = 1;
    let moved = 0;
    for (let round = 0; round < 50; round++) {
      const plan = planRebalance({
        topology: t,
        placements: { i: placement },
        busy: none,
        readable: () => true,
        room: 3,
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
        moved++;
      }
      if (plan.needed === 0) return { placement, moved };
    }
    throw new Error('the plan never settled');
  }

  it('plans nothing for a new index: its placement is already even', () => {
    const t = topo(three);
    const plan = planRebalance({
      topology: t,
      placements: { idx: balancedPlacement(t, 32) },
      busy: none,
      readable: () => true,
      room: 4,
    });
    expect(plan).toEqual({ moves: [], needed: 0, waiting: 0 });
    // Rendezvous hashing alone is uneven by a few copies (22 ± 3 here); the even placement is
    // within one copy of the share, and keeps most of HRW's choices.
    const even = [...loads(balancedPlacement(t, 32)).values()];
    expect(Math.max(...even) - Math.min(...even)).toBeLessThanOrEqual(1);
  });

  it('adding a node moves the minimum: only copies onto it, from a copy that keeps its own, within the room', () => {
    const before = balancedPlacement(topo(three), 32);
    const after = topo([...three, node('n4', 'joining')]);
    const plan = planRebalance({
      topology: after,
      placements: { idx: before },
      busy: none,
      readable: () => true,
      room: 4,
    });
    // Against an even spread: 64 copies over 4 nodes → 16 must move at least; 16 do.
    expect(minimumMoves(after, { idx: before })).toBe(16);
    expect(plan.needed).toBe(16);
    expect(plan.moves).toHaveLength(4);
    expect(plan.waiting).toBe(12);
    for (const m of plan.moves) {
      expect(m.target).toBe('n4');
      const owners = before.groups['0']![m.shard]!.owners;
      expect(owners).toContain(m.displaced);
      expect(owners).toContain(m.source);
      expect(m.source).not.toBe(m.displaced); // the copy that stays is read, not the leaving one
    }
  });

  it('a shard with a move in progress waits and counts as moved; without a readable copy it waits too', () => {
    const t = topo([...three, node('n4')]);
    const before = balancedPlacement(topo(three), 8);
    const all = planRebalance({
      topology: t,
      placements: { i: before },
      busy: none,
      readable: () => true,
      room: 99,
    });
    const first = all.moves[0]!;
    const busy = planRebalance({
      topology: t,
      placements: { i: before },
      busy: new Map([[moveKey('i', '0', first.shard), first]]),
      readable: () => true,
      room: 99,
    });
    expect(busy.moves.map((m) => m.shard)).not.toContain(first.shard);
    // The move in progress already fills part of the new node's share: nothing plans it twice.
    expect(busy.needed).toBe(all.needed - 1);
    const dark = planRebalance({
      topology: t,
      placements: { i: before },
      busy: none,
      readable: () => false,
      room: 99,
    });
    expect(dark.moves).toEqual([]);
    expect(dark.waiting).toBe(all.needed);
  });

  it('draining a node moves every copy it holds, and each shard keeps RF owners', () => {
    const before = balancedPlacement(topo(three), 16);
    const t = topo([node('n1'), node('n2'), node('n3', 'draining')]);
    const plan = planRebalance({
      topology: t,
      placements: { i: before },
      busy: none,
      readable: () => true,
      room: 99,
    });
    const held = before.groups['0']!.filter((c) => c.owners.includes('n3')).length;
    expect(plan.moves).toHaveLength(held);
    expect(plan.moves.every((m) => m.displaced === 'n3' && m.target !== 'n3')).toBe(true);
    expect(minimumMoves(t, { i: before })).toBe(held);
  });

  it('property: adding or draining a node settles on an even spread, moving at most 1.1 × the minimum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 2, max: 7 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (shards, n, rf, adding) => {
          // A drain with fewer nodes left than RF drops copies rather than moving them (not planned here).
          fc.pre(adding || n - 1 >= rf);
          const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`));
          const start = adding ? nodes.slice(0, n - 1) : nodes;
          const end = adding
            ? nodes
            : nodes.map((x, i) => (i === 0 ? { ...x, state: 'draining' as const } : x));
          const before = balancedPlacement(topo(start, rf), shards);
          // A new index's placement needs no move.
          expect(
            planRebalance({
              topology: topo(start, rf),
              placements: { i: before },
              busy: none,
              readable: () => true,
              room: 99,
            }).needed,
          ).toBe(0);
          const t = topo(end, rf);
          const minimum = minimumMoves(t, { i: before });
          const { placement, moved } = rebalance(before, t);
          expect(moved).toBeLessThanOrEqual(Math.max(1, Math.ceil(1.1 * minimum)));
          const live = end.filter((x) => x.state === 'active').map((x) => x.id);
          const copies = Math.min(rf, live.length);
          for (const c of placement.groups['0']!) {
            expect(new Set(c.owners).size).toBe(copies);
            expect(c.owners.every((o) => live.includes(o))).toBe(true);
            expect(c.incoming.length === 0 && !c.outgoing).toBe(true);
          }
          const held = live.map((id) => loads(placement).get(id) ?? 0);
          expect(Math.max(...held) - Math.min(...held)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
