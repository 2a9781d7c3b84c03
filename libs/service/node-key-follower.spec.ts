import { describe, expect, it } from '@jest/globals';
import { NODE_KEY_RECORD, nodeKeyBeaconPod, sealNodeKey } from '#lib/keys';
import type { HttpNodeClient } from '#lib/node-client';
import { createMemoryStore, type ScopedKeyRecord, type Store } from '#lib/store';
import { NodeKeyFollower, UnreadableNodeKey } from './node-key-follower.js';

const bootstrap = 'bootstrap-node-key-0123456789';

function record(generation: number, value: string, sealWith = bootstrap): ScopedKeyRecord {
  return {
    indexUid: NODE_KEY_RECORD,
    primaryUid: `uid-${generation}`,
    previousUid: null,
    nextUid: null,
    generation,
    state: 'promoted',
    rotatedAt: new Date().toISOString(),
    sealedKey: sealNodeKey(sealWith, value),
    grants: { actions: ['*'], indexes: ['*'] },
  };
}

function follower(store: Store, clock: { t: number }) {
  const keys: (string | undefined)[] = [];
  const nodes = {
    setNodeKey: (k: string | undefined) => keys.push(k),
  } as unknown as HttpNodeClient;
  const logged: string[] = [];
  const f = new NodeKeyFollower({
    store,
    nodes,
    bootstrapKey: bootstrap,
    instance: 'p1',
    beaconTtlMs: 60_000,
    longestCallMs: 5000,
    log: (_level, event) => logged.push(event),
    now: () => clock.t,
  });
  const beacon = async () =>
    (await store.beacons.get(nodeKeyBeaconPod('p1')))?.generations[NODE_KEY_RECORD];
  return { f, keys, logged, beacon };
}

describe('NodeKeyFollower', () => {
  it('uses a promoted key at once, and reports it only once its longest call with the old one ended', async () => {
    const store = createMemoryStore();
    const clock = { t: 1_000_000 };
    await store.nodeKeys.put(record(1, bootstrap), null);
    const { f, keys, beacon } = follower(store, clock);
    await f.start();
    expect(keys).toEqual([bootstrap]);
    expect(await beacon()).toBe(1);

    await store.nodeKeys.put(record(2, 'k2'), 1);
    await f.refresh();
    expect(keys.at(-1)).toBe('k2');
    expect(await beacon()).toBe(1); // a call sent with k1 may still be in flight
    clock.t += 5000;
    await f.refresh();
    expect(await beacon()).toBe(2);
    await f.stop();
  });

  it('refuses to start on a rotated record sealed with another MIROIR_NODE_KEY', async () => {
    const store = createMemoryStore();
    await store.nodeKeys.put(record(3, 'k3', 'another-bootstrap-key-01234'), null);
    await expect(follower(store, { t: 0 }).f.start()).rejects.toBeInstanceOf(UnreadableNodeKey);
  });

  it('takes a changed MIROIR_NODE_KEY before any rotation as the key (generation 1)', async () => {
    const store = createMemoryStore();
    await store.nodeKeys.put(record(1, 'old', 'another-bootstrap-key-01234'), null);
    const { f, keys, logged } = follower(store, { t: 0 });
    await f.start();
    expect(keys).toEqual([]); // the client keeps the configured key
    expect(logged).toContain('node-key-record-stale');
    await f.stop();
  });

  it('keeps its key and holds revocation back when a later record cannot be opened', async () => {
    const store = createMemoryStore();
    const clock = { t: 0 };
    await store.nodeKeys.put(record(2, 'k2'), null);
    const { f, keys, logged, beacon } = follower(store, clock);
    await f.start();
    await store.nodeKeys.put(record(3, 'k3', 'another-bootstrap-key-01234'), 2);
    clock.t += 10_000;
    await f.refresh();
    expect(keys).toEqual(['k2']);
    expect(await beacon()).toBe(2);
    expect(logged).toContain('node-key-unreadable');
    await f.stop();
  });
});
