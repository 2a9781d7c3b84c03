import { describe, expect, it } from '@jest/globals';
import { clusterHealth, type HealthNode } from '#lib/routing';

const node = (id: string, over: Partial<HealthNode> = {}): HealthNode => ({
  id,
  state: 'active',
  copyState: 'caught-up',
  readable: true,
  ...over,
});
const index = {
  uid: 'movies',
  owners: [
    ['a', 'b'],
    ['b', 'c'],
    ['a', 'c'],
  ],
};

describe('clusterHealth', () => {
  it('is green when every copy serves', () => {
    expect(clusterHealth([node('a'), node('b'), node('c')], [index])).toEqual({
      status: 'green',
      reasons: [],
    });
  });

  it('is yellow with the reason when a copy cannot serve but every shard still can', () => {
    const health = clusterHealth(
      [node('a', { state: 'failed', readable: false }), node('b'), node('c')],
      [index],
    );
    expect(health.status).toBe('yellow');
    expect(health.reasons).toEqual([
      'node a is failed',
      'index movies: 2 shard(s) with a copy that cannot serve',
    ]);
    const lagging = clusterHealth(
      [node('a'), node('b', { copyState: 'lagging', readable: false }), node('c')],
      [],
    );
    expect(lagging.reasons).toEqual(["node b's copies are lagging"]);
  });

  it('is red when a shard has no copy that can serve', () => {
    const health = clusterHealth(
      [node('a', { state: 'failed', readable: false }), node('b', { readable: false }), node('c')],
      [index],
    );
    expect(health.status).toBe('red');
    expect(health.reasons).toContain('index movies: no readable copy of shard 0');
    expect(clusterHealth([], []).status).toBe('red');
  });
});
