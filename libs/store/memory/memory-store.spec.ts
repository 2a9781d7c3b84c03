import { describe, expect, it } from '@jest/globals';
import { task } from '../contract-fixtures.js';
import { createMemoryStore } from './memory-store.js';

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('memory adapter', () => {
  it('expires TTL records and leases on the injected clock', async () => {
    const clock = manualClock();
    const store = createMemoryStore({ clock });
    await store.sessions.put(
      's',
      { id: 's', lastWriteTask: 1, pinnedGroup: null, minSettingsVersion: {} },
      { ttlMs: 1000 },
    );
    const lease = (await store.leases.acquire('rebalancer', 'a', 1000))!;
    clock.advance(999);
    expect(await store.sessions.get('s')).not.toBeNull();
    expect(await store.leases.isCurrent({ scope: 'rebalancer', token: lease.token })).toBe(true);
    clock.advance(2);
    expect(await store.sessions.get('s')).toBeNull();
    expect(await store.leases.get('rebalancer')).toBeNull();
    await store.close();
  });

  it('hands out copies: mutating a returned record does not change the store', async () => {
    const store = createMemoryStore();
    await store.tasks.create(task(1));
    const got = (await store.tasks.get(1))!;
    got.status = 'failed';
    got.nodeTasks['meili-1']!.status = 'failed';
    expect(await store.tasks.get(1)).toEqual(task(1));
    await store.close();
  });
});
