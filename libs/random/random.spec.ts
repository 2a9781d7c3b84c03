import { describe, expect, it } from '@jest/globals';
import { between, pick, seededRandom } from '#lib/random';

describe('seededRandom', () => {
  it('repeats for a seed, differs across seeds, stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('pick and between cover their whole range', () => {
    const r = seededRandom(1);
    const seen = new Set(Array.from({ length: 500 }, () => between(r, 2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
    const picked = new Set(Array.from({ length: 500 }, () => pick(r, ['a', 'b', 'c'])));
    expect(picked.size).toBe(3);
  });
});
