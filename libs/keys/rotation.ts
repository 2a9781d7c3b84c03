import type { BeaconRecord, ScopedKeyRecord } from '#lib/store';

/**
 * Scoped search key rotation (operations.md), as a pure decision: given a node index's key record,
 * the gateways' beacons and the time, what the key-rotator does next. Every step is stored before
 * the next one starts, so a new leader resumes where the last one stopped:
 *
 *   (none) ─mint→ minted g0 ─create on every node→ stable g1
 *   stable gN ─due or forced→ minted gN (nextUid chosen) ─create on every node→ promoted gN+1
 *   promoted ─every live gateway uses gN+1, and a request timeout passed→ revoke previous → stable
 *
 * A record of generation 0 has no key on the nodes yet: gateways use a record from generation 1.
 */
export interface RotationPolicy {
  maxAgeMs: number;
  rotateBeforeMs: number;
  /** A drain still waiting after this long is reported (`slow`); revoking early would fail requests. */
  drainMs: number;
  /** At least this long after promotion before revoking: a request that read the old key ends. */
  requestTimeoutMs: number;
  beaconTtlMs: number;
}

export type RotationStep =
  /** Choose a key uid and store it (first key, or the next one when due). */
  | { kind: 'choose' }
  /** Create `uid` on every node (idempotent), then store the result. */
  | { kind: 'create'; uid: string; then: 'stable' | 'promoted' }
  /** Delete `uid` on every node (404 = done), then store `stable`. */
  | { kind: 'revoke'; uid: string | null }
  | { kind: 'wait'; reason: string; slow?: boolean };

export function rotationStep(
  record: ScopedKeyRecord | null,
  beacons: readonly BeaconRecord[],
  now: number,
  policy: RotationPolicy,
  force = false,
): RotationStep {
  if (!record) return { kind: 'choose' };
  switch (record.state) {
    case 'minted':
      return record.generation === 0
        ? { kind: 'create', uid: record.primaryUid, then: 'stable' }
        : { kind: 'create', uid: record.nextUid!, then: 'promoted' };
    case 'promoted':
    case 'draining': {
      const since = now - Date.parse(record.rotatedAt ?? new Date(now).toISOString());
      const behind = liveBeacons(beacons, now, policy.beaconTtlMs).filter(
        (b) => (b.generations[record.indexUid] ?? 0) < record.generation,
      );
      if (!record.previousUid) return { kind: 'revoke', uid: null };
      if (behind.length === 0 && since >= policy.requestTimeoutMs) {
        return { kind: 'revoke', uid: record.previousUid };
      }
      return {
        kind: 'wait',
        slow: since > policy.drainMs,
        reason: behind.length
          ? `gateways not on generation ${record.generation} yet: ${behind.map((b) => b.pod).join(', ')}`
          : 'in-flight requests may still hold the previous key',
      };
    }
    case 'stable':
    case 'revoked': {
      const due =
        Date.parse(record.rotatedAt ?? new Date(0).toISOString()) +
        policy.maxAgeMs -
        policy.rotateBeforeMs;
      return force || now >= due ? { kind: 'choose' } : { kind: 'wait', reason: 'not due' };
    }
  }
}

/** Beacons of gateways seen within the TTL: a stopped or dead gateway holds nothing back. */
export function liveBeacons(
  beacons: readonly BeaconRecord[],
  now: number,
  ttlMs: number,
): BeaconRecord[] {
  return beacons.filter((b) => now - Date.parse(b.seenAt) < ttlMs);
}

/** Whether a record's primary key exists on the nodes (gateways may use it). */
export function usableKey(record: ScopedKeyRecord | null): record is ScopedKeyRecord {
  return record !== null && record.generation >= 1;
}
