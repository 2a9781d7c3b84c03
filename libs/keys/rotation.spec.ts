import { describe, expect, it } from '@jest/globals';
import { rotationStep, usableKey, type RotationPolicy } from '#lib/keys';
import type { BeaconRecord, ScopedKeyRecord } from '#lib/store';

const DAY = 86_400_000;
const policy: RotationPolicy = {
  maxAgeMs: 60 * DAY,
  rotateBeforeMs: 30 * DAY,
  drainMs: 120_000,
  requestTimeoutMs: 5000,
  beaconTtlMs: 60_000,
};
const now = Date.parse('2026-12-05T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const record = (over: Partial<ScopedKeyRecord>): ScopedKeyRecord => ({
  indexUid: 'movies-1',
  primaryUid: 'p',
  previousUid: null,
  nextUid: null,
  generation: 3,
  state: 'stable',
  rotatedAt: iso(now - DAY),
  ...over,
});
const beacon = (pod: string, generation: number, ageMs = 0): BeaconRecord => ({
  pod,
  generations: { 'movies-1': generation },
  seenAt: iso(now - ageMs),
});

// operations.md, "Scoped search key rotation": mint → promote → drain → revoke.
describe('rotationStep', () => {
  it('chooses a first key, then creates it before anyone may use it', () => {
    expect(rotationStep(null, [], now, policy)).toEqual({ kind: 'choose' });
    const first = record({ generation: 0, state: 'minted', rotatedAt: null });
    expect(usableKey(first)).toBe(false);
    expect(rotationStep(first, [], now, policy)).toEqual({
      kind: 'create',
      uid: 'p',
      then: 'stable',
    });
  });

  it('rotates when due (max age minus the margin) or forced', () => {
    expect(rotationStep(record({}), [], now, policy).kind).toBe('wait');
    expect(rotationStep(record({}), [], now, policy, true)).toEqual({ kind: 'choose' });
    const old = record({ rotatedAt: iso(now - 30 * DAY) });
    expect(rotationStep(old, [], now, policy)).toEqual({ kind: 'choose' });
    expect(rotationStep(record({ state: 'minted', nextUid: 'n' }), [], now, policy)).toEqual({
      kind: 'create',
      uid: 'n',
      then: 'promoted',
    });
  });

  it('revokes the previous key only when every live gateway uses the new one and a timeout passed', () => {
    const promoted = record({
      state: 'promoted',
      previousUid: 'old',
      rotatedAt: iso(now - 10_000),
    });
    expect(rotationStep(promoted, [beacon('a', 3), beacon('b', 2)], now, policy)).toMatchObject({
      kind: 'wait',
    });
    // A gateway silent for longer than the beacon TTL no longer counts.
    expect(rotationStep(promoted, [beacon('a', 3), beacon('b', 2, 61_000)], now, policy)).toEqual({
      kind: 'revoke',
      uid: 'old',
    });
    const fresh = record({ state: 'promoted', previousUid: 'old', rotatedAt: iso(now - 1000) });
    expect(rotationStep(fresh, [beacon('a', 3)], now, policy).kind).toBe('wait');
  });
});
