import { beforeEach, describe, expect, it } from '@jest/globals';
import { NodeTimeoutError, RecordingNodeClient } from '#lib/node-client';
import { createMemoryStore, StaleFenceError, type Fence, type Store } from '#lib/store';
import { HealthProber } from './health-prober.js';

const NODES = ['a', 'b'];
let store: Store;
let nodes: RecordingNodeClient;
let prober: HealthProber;
let fence: Fence;
const events: string[] = [];
const enqueued: string[] = [];
const down = new Set<string>();

async function stateOf(id: string) {
  return (await store.topology.getTopology())!.nodes.find((n) => n.id === id)!;
}

async function rounds(n: number) {
  for (let i = 0; i < n; i++) await prober.round(fence);
}

beforeEach(async () => {
  events.length = 0;
  enqueued.length = 0;
  down.clear();
  store = createMemoryStore();
  await store.topology.commit(
    {
      topology: {
        nodes: NODES.map((id) => ({
          id,
          url: `http://${id}`,
          group: '0',
          state: 'active' as const,
          lastSeen: null,
          error: null,
        })),
        replicationFactor: 2,
        replicaGroups: 1,
      },
    },
    0,
  );
  const lease = (await store.leases.acquire('rebalancer', 'me', 60_000))!;
  fence = { scope: lease.scope, token: lease.token };
  nodes = new RecordingNodeClient();
  nodes.when('health').respond((call) => {
    if (down.has(call.nodeId)) throw new NodeTimeoutError(call.nodeId, 'health', 100);
    return { status: 'available' };
  });
  prober = new HealthProber({
    store,
    nodes,
    bus: {
      publish: (type, data) => {
        events.push(`${type} ${JSON.stringify(data)}`);
        return undefined as never;
      },
    },
    log: () => {},
    timeoutMs: 100,
    now: () => Date.parse('2026-01-01T00:00:00.000Z'),
  });
});

describe('HealthProber', () => {
  it('marks a node failed on its third failed probe: stored with the error, published', async () => {
    down.add('b');
    await rounds(2);
    expect((await stateOf('b')).state).toBe('active');
    const epoch = await store.topology.epoch();
    await rounds(1);
    expect(await stateOf('b')).toMatchObject({
      state: 'failed',
      error: 'node b did not answer health within 100 ms',
    });
    // Probes that change nothing write nothing (each commit is a new epoch for every gateway).
    expect(await stateOf('a')).toMatchObject({ state: 'active', lastSeen: null });
    expect(await store.topology.epoch()).toBe(epoch + 1);
    expect(events).toEqual([
      'nodes.state {"nodeId":"b","from":"active","to":"failed","error":"node b did not answer health within 100 ms"}',
      `topology.changed {"epoch":${epoch + 1},"change":"nodeState","nodeId":"b"}`,
    ]);
    expect(nodes.calls.every((c) => c.options.timeoutMs === 100)).toBe(true);
  });

  it('marks a failed node active again after two good probes', async () => {
    down.add('b');
    await rounds(3);
    down.clear();
    events.length = 0;
    await rounds(1);
    expect((await stateOf('b')).state).toBe('failed');
    await rounds(1);
    expect(await stateOf('b')).toMatchObject({
      state: 'active',
      error: null,
      lastSeen: '2026-01-01T00:00:00.000Z',
    });
    expect(events[0]).toBe('nodes.state {"nodeId":"b","from":"failed","to":"active","error":null}');
  });

  it('stops writing once the lease is lost', async () => {
    down.add('b');
    await rounds(2);
    await store.leases.release({ scope: fence.scope, holder: 'me', token: fence.token });
    await store.leases.acquire('rebalancer', 'other', 60_000);
    await expect(rounds(1)).rejects.toBeInstanceOf(StaleFenceError);
    expect((await stateOf('b')).state).toBe('active');
    expect(events).toEqual([]);
  });

  it('counts from the stored state when another writer moved the node', async () => {
    down.add('b');
    await rounds(2);
    const snap = await store.topology.snapshot();
    const { epoch: _e, ...topology } = snap.topology!;
    const nodes2 = topology.nodes.map((n) =>
      n.id === 'b' ? { ...n, state: 'draining' as const } : n,
    );
    await store.topology.commit({ topology: { ...topology, nodes: nodes2 } }, snap.epoch);
    await rounds(5);
    expect((await stateOf('b')).state).toBe('draining');
    expect(events).toEqual([]);
  });
});
