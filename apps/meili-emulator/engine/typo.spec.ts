import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DEFAULT_SETTINGS } from '#lib/meili-api';
import { allowedTypos, boundedDistance } from './typo.js';

/** Unbounded optimal-string-alignment distance, the reference. */
function osa(a: string[], b: string[]): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('typo distance (emulator.md §4.3)', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(boundedDistance('batmna', 'batman', 2, false)).toBe(1);
    expect(boundedDistance('abtman', 'batman', 2, false)).toBe(1);
    expect(boundedDistance('philadelfa', 'philadelphia', 2, false)).toBe(3);
    expect(boundedDistance('philadelfa', 'philadelphia', 2, true)).toBe(2);
    expect(boundedDistance('kitten', 'sitting', 2, false)).toBe(3);
    expect(boundedDistance('batm', 'batmobile', 1, true)).toBe(0);
    expect(boundedDistance('btam', 'batmobile', 1, true)).toBe(1);
    expect(boundedDistance('😀ab', '😀ac', 1, false)).toBe(1);
  });

  it('agrees with the unbounded reference, capped at max + 1', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 2 }), fc.boolean(), (a, b, max, prefix) => {
        const A = [...a];
        const B = [...b];
        const reference = prefix
          ? Math.min(...Array.from({ length: B.length + 1 }, (_, j) => osa(A, B.slice(0, j))))
          : osa(A, B);
        expect(boundedDistance(a, b, max, prefix)).toBe(Math.min(reference, max + 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('allows typos by length: < 5 none, < 9 one, else two', () => {
    const typo = DEFAULT_SETTINGS.typoTolerance;
    expect([
      allowedTypos('dark', typo, new Set()),
      allowedTypos('batman', typo, new Set()),
      allowedTypos('philadelphia', typo, new Set()),
    ]).toEqual([0, 1, 2]);
    expect(allowedTypos('batman', typo, new Set(['batman']))).toBe(0);
    expect(allowedTypos('123456', { ...typo, disableOnNumbers: true }, new Set())).toBe(0);
    expect(allowedTypos('batman', { ...typo, enabled: false }, new Set())).toBe(0);
  });
});
