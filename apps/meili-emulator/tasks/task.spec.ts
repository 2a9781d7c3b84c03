import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatDuration, zeroedDetails } from './task.js';

describe('formatDuration (ISO 8601 as Meilisearch prints it)', () => {
  it.each([
    [12, 'PT0.012S'],
    [1000, 'PT1S'],
    [0, 'PT0S'],
    [86_400_000, 'P1D'],
    [86_401_500, 'P1DT1.500S'],
    [3_723_004, 'PT3723.004S'],
  ])('%i ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('always parses back to the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        const m = /^P(?:(\d+)D)?(?:T(\d+)(?:\.(\d{3}))?S)?$/.exec(formatDuration(ms));
        expect(m).not.toBeNull();
        const back =
          Number(m![1] ?? 0) * 86_400_000 + Number(m![2] ?? 0) * 1000 + Number(m![3] ?? 0);
        expect(back).toBe(ms);
      }),
    );
  });
});

describe('zeroedDetails', () => {
  it('zeroes counts and keeps the rest', () => {
    expect(zeroedDetails({ receivedDocuments: 3, indexedDocuments: null })).toEqual({
      receivedDocuments: 3,
      indexedDocuments: 0,
    });
    expect(
      zeroedDetails({ matchedTasks: 2, canceledTasks: null, originalFilter: '?uids=1' }),
    ).toEqual({ matchedTasks: 2, canceledTasks: 0, originalFilter: '?uids=1' });
    expect(zeroedDetails(null)).toBeNull();
  });
});
