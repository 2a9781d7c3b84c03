import { describe, expect, it } from '@jest/globals';
import { NodeHealth } from '#lib/node-client';

describe('NodeHealth', () => {
  it('backs a failing node off 1 s doubling to 30 s, and resets on success', () => {
    let now = 0;
    const h = new NodeHealth({ now: () => now });
    expect(h.isHealthy('a')).toBe(true);
    const backoffs: number[] = [];
    for (let i = 0; i < 7; i++) {
      h.recordFailure('a');
      const retryAt = h.snapshot()[0]!.retryAt;
      backoffs.push(retryAt - now);
      expect(h.isHealthy('a')).toBe(false);
      now = retryAt - 1;
      expect(h.isHealthy('a')).toBe(false);
      now = retryAt;
      expect(h.isHealthy('a')).toBe(true);
    }
    expect(backoffs).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    h.recordSuccess('a');
    expect(h.snapshot()).toEqual([]);
    h.recordFailure('a');
    expect(h.snapshot()).toEqual([{ nodeId: 'a', failures: 1, retryAt: now + 1000 }]);
  });

  it('tracks nodes independently', () => {
    const h = new NodeHealth({ now: () => 5, baseMs: 10, maxMs: 100 });
    h.recordFailure('a');
    expect(h.isHealthy('a')).toBe(false);
    expect(h.isHealthy('b')).toBe(true);
    expect(['a', 'b'].filter((id) => h.isHealthy(id))).toEqual(['b']);
  });
});
