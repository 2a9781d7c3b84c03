import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { NodeState } from '#lib/routing';
import { initialHealth, nextHealth, type HealthState, type ProbeResult } from './health-machine.js';

const up = (): ProbeResult => ({ ok: true });
const down = (error = 'ECONNREFUSED'): ProbeResult => ({ ok: false, error });

/** Feeds probes one per second; returns the final health and every transition as `from→to@i`. */
function run(start: HealthState, probes: ProbeResult[]) {
  let health = start;
  const transitions: string[] = [];
  probes.forEach((p, i) => {
    const step = nextHealth(health, p, 1000 * (i + 1));
    health = step.health;
    if (step.transition) transitions.push(`${step.transition.from}→${step.transition.to}@${i}`);
  });
  return { health, transitions };
}

describe('health machine', () => {
  it('an active node fails on the third consecutive failed probe, with that error', () => {
    const step1 = nextHealth(initialHealth('active'), down('a'), 1);
    const step2 = nextHealth(step1.health, down('b'), 2);
    expect(step1.transition).toBeUndefined();
    expect(step2.transition).toBeUndefined();
    const step3 = nextHealth(step2.health, down('timeout'), 3);
    expect(step3.transition).toEqual({ from: 'active', to: 'failed', error: 'timeout' });
    expect(step3.health).toMatchObject({ state: 'failed', failures: 3, error: 'timeout' });
  });

  it('a success in between restarts the count', () => {
    const { transitions, health } = run(initialHealth('active'), [
      down(),
      down(),
      up(),
      down(),
      down(),
    ]);
    expect(transitions).toEqual([]);
    expect(health).toMatchObject({ state: 'active', failures: 2, successes: 0, lastSeen: 3000 });
  });

  it('a failed node recovers on the second consecutive success', () => {
    const { transitions, health } = run(initialHealth('failed'), [up(), down(), up(), up()]);
    expect(transitions).toEqual(['failed→active@3']);
    expect(health).toEqual({
      state: 'active',
      failures: 0,
      successes: 2,
      lastSeen: 4000,
      error: null,
    });
  });

  it.each<NodeState>(['joining', 'draining', 'removed'])(
    'a %s node is never moved by probes',
    (state) => {
      const probes = [down(), down(), down(), down(), up(), up(), up()];
      expect(run(initialHealth(state), probes)).toMatchObject({
        transitions: [],
        health: { state },
      });
    },
  );

  it('thresholds are options', () => {
    const strict = nextHealth(initialHealth('active'), down(), 1, {
      failAfter: 1,
      recoverAfter: 1,
    });
    expect(strict.transition?.to).toBe('failed');
  });

  it('property: transitions only follow the thresholds, and alternate', () => {
    const probe = fc.oneof(fc.constant(up()), fc.constant(down()));
    fc.assert(
      fc.property(fc.constantFrom<NodeState>('active', 'failed'), fc.array(probe), (s, probes) => {
        let health = initialHealth(s);
        let lastTo: NodeState = s;
        probes.forEach((p, i) => {
          const before = health;
          const step = nextHealth(health, p, i);
          health = step.health;
          if (!step.transition) {
            expect(health.state).toBe(before.state);
            return;
          }
          expect(step.transition.from).toBe(lastTo);
          if (step.transition.to === 'failed') {
            expect(p.ok).toBe(false);
            expect(before.failures).toBe(2);
          } else {
            expect(p).toEqual(up());
            expect(before.successes).toBeGreaterThanOrEqual(1);
          }
          lastTo = step.transition.to;
        });
      }),
    );
  });
});
