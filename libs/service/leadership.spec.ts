import { afterEach, describe, expect, it } from '@jest/globals';
import { createMemoryStore, type Lease } from '#lib/store';
import { Leadership } from './leadership.js';

const store = createMemoryStore();
const running: Leadership[] = [];

function candidate(holder: string, changes: (Lease | null)[], ttlMs = 90) {
  const l = new Leadership({
    leases: store.leases,
    scope: 'rebalancer-test',
    holder,
    ttlMs,
    log: () => {},
    onChange: (lease) => changes.push(lease),
  });
  running.push(l);
  l.start();
  return l;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(async () => {
  await Promise.all(running.splice(0).map((l) => l.stop()));
});

describe('Leadership', () => {
  it('one holder at a time; a standby takes over, with a newer fence, once it is released', async () => {
    // A TTL long enough that a busy machine's event-loop pauses never cost the leader its lease.
    const a: (Lease | null)[] = [];
    const b: (Lease | null)[] = [];
    const first = candidate('a', a, 900);
    await sleep(50);
    const second = candidate('b', b, 900);
    await sleep(1000); // several renewals
    expect(a.map((l) => l?.holder ?? null)).toEqual(['a']);
    expect(b).toEqual([]);
    expect(second.fence).toBeNull();
    const token = first.fence!.token;
    await first.stop();
    await sleep(600);
    expect(b.map((l) => l?.holder ?? null)).toEqual(['b']);
    expect(second.fence!.token).toBeGreaterThan(token);
  });

  it('steps down when its renewal is refused', async () => {
    const a: (Lease | null)[] = [];
    const leader = candidate('a', a);
    await sleep(20);
    const lease = (await store.leases.get('rebalancer-test'))!;
    await store.leases.release(lease);
    await store.leases.acquire('rebalancer-test', 'intruder', 10_000);
    await sleep(60);
    expect(a.map((l) => l?.holder ?? null)).toEqual(['a', null]);
    expect(leader.fence).toBeNull();
    await store.leases.release((await store.leases.get('rebalancer-test'))!);
  });
});
