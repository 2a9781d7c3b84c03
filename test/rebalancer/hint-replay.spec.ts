/**
 * Node failure and recovery (operations.md) with the real processes: emulator nodes, gateway,
 * task-reconciler and the rebalancer. A node of 3 (RF 2) is killed: the rebalancer marks it failed,
 * writes go degraded into hints; the node comes back: its hints are replayed and acknowledged, and
 * only then is it active again, holding exactly the documents of its shards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventBus } from '#lib/bus';
import type { EventEnvelope } from '#lib/contracts';
import { shardFilter, shardOf, type NodeState, type Placement } from '#lib/routing';
import { createRedisStore, type Store } from '#lib/store';
import {
  builtApp,
  startProcess,
  testNatsUrl,
  testRedisUrl,
  type RunningProcess,
} from '#lib/testing';
import {
  jsonOf,
  startGatewayStack,
  waitNodesIdle,
  type GatewayStack,
} from '../gateway/support/gateway-stack.js';

const SHARDS = 8;
const INDEX = 'comeback';
const VICTIM = 1;
const doc = (id: number) => ({ id, title: `film ${id}`, year: 1950 + (id % 70) });
const BEFORE = Array.from({ length: 300 }, (_, i) => doc(i));
const DURING = Array.from({ length: 120 }, (_, i) => doc(1000 + i));
const DELETED = BEFORE.slice(0, 30).map((d) => d.id);
const FINAL = [...BEFORE.slice(30), ...DURING].map((d) => d.id).sort((a, b) => a - b);

let g: GatewayStack;
let store: Store;
let bus: EventBus;
let rebalancer: RunningProcess;
let placement: Placement;
const nodeEvents: string[] = [];

const victim = () => g.stack.nodes[VICTIM]!;

async function stateOf(nodeId: string): Promise<NodeState | undefined> {
  return (await store.topology.getTopology())?.nodes.find((n) => n.id === nodeId)?.state;
}

/** Polls until the node is in `state`; returns the pending hint count seen at that moment. */
async function waitState(nodeId: string, state: NodeState, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await stateOf(nodeId)) === state) return store.hints.count(nodeId);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `${nodeId} not ${state} in ${timeoutMs} ms:\n${rebalancer.output().slice(-3000)}`,
  );
}

async function idsOnNode(i: number): Promise<number[]> {
  const { status, body } = await jsonOf(
    await g.node(g.stack.nodes[i]!, `/indexes/${INDEX}/documents?limit=100000&fields=id`),
  );
  expect(status).toBe(200);
  return (body.results as { id: number }[]).map((d) => d.id).sort((a, b) => a - b);
}

const ownedBy = (nodeId: string, ids: number[]) =>
  ids.filter((id) => placement.groups['0']![shardOf(id, SHARDS)]!.owners.includes(nodeId));

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: SHARDS });
  store = createRedisStore({ url: testRedisUrl(), prefix: g.stack.keyPrefix });
  bus = await EventBus.connect({ url: testNatsUrl(), source: 'test/rebalancer' });
  bus.subscribe(`miroir.nodes.${victim().id}.*`, (e: EventEnvelope) => {
    const data = e.data as { from: string | null; to: string };
    nodeEvents.push(`${data.from}→${data.to}`);
  });
  rebalancer = await startProcess(
    builtApp('rebalancer'),
    ['--probe-interval-ms', '200', '--probe-timeout-ms', '500', '--lease-ttl-ms', '3000'],
    g.stack.env,
  );
  await g.waitWrite(await g.client.createIndex(INDEX, { primaryKey: 'id' }));
  await g.waitWrite(await g.client.index(INDEX).addDocuments(BEFORE));
  placement = (await store.topology.getPlacement(INDEX))!;
}, 60_000);

afterAll(async () => {
  await rebalancer?.stop();
  await bus?.close();
  await store?.close();
  await g?.stop();
});

describe('rebalancer: a node fails and comes back (RF 2, 3 nodes)', () => {
  it('the killed node is marked failed, and the writes it misses become hints', async () => {
    expect(await stateOf(victim().id)).toBe('active');
    await victim().kill();
    await waitState(victim().id, 'failed', 10_000);
    const failed = (await store.topology.getTopology())!.nodes.find((n) => n.id === victim().id)!;
    expect(failed.error).toEqual(expect.stringContaining(victim().id));

    const added = await g.gateway(`/indexes/${INDEX}/documents`, {
      method: 'POST',
      body: JSON.stringify(DURING),
    });
    expect(added.status).toBe(202);
    expect(added.headers.get('x-miroir-degraded')).toMatch(/^groups=0; shards=/);
    const deleted = await g.gateway(`/indexes/${INDEX}/documents/delete-batch`, {
      method: 'POST',
      body: JSON.stringify(DELETED),
    });
    expect(deleted.status).toBe(202);
    expect(await store.hints.count(victim().id)).toBe(2);
    // The node stays failed while it is down, hints or not.
    await new Promise((r) => setTimeout(r, 600));
    expect(await stateOf(victim().id)).toBe('failed');
  });

  it('back up, it is active again only once its hints are replayed and acknowledged', async () => {
    await victim().restart();
    expect(await waitState(victim().id, 'active', 15_000)).toBe(0);
    expect(await store.hints.nodes()).toEqual([]);
    expect(nodeEvents).toEqual(['active→failed', 'failed→active']);
    expect(rebalancer.output()).toMatch(
      /"event":"hints-replayed","nodeId":"meili-1"[^\n]*"replayed":2/,
    );
  });

  it('the node holds exactly the documents of its shards, and searches see every document', async () => {
    await waitNodesIdle(g.stack);
    for (let i = 0; i < 3; i++) {
      expect(await idsOnNode(i)).toEqual(ownedBy(g.stack.nodes[i]!.id, FINAL));
    }
    // Shard by shard, asked with the shard filter as the gateway's searches do.
    for (let shard = 0; shard < SHARDS; shard++) {
      if (!placement.groups['0']![shard]!.owners.includes(victim().id)) continue;
      const { status, body } = await jsonOf(
        await g.node(victim(), `/indexes/${INDEX}/documents/fetch`, {
          method: 'POST',
          body: JSON.stringify({ filter: shardFilter([shard]), limit: 10_000, fields: ['id'] }),
        }),
      );
      expect(status).toBe(200);
      const ids = (body.results as { id: number }[]).map((d) => d.id).sort((a, b) => a - b);
      expect({ shard, ids }).toEqual({
        shard,
        ids: FINAL.filter((id) => shardOf(id, SHARDS) === shard),
      });
    }
    const searched = await g.gateway(`/indexes/${INDEX}/search`, {
      method: 'POST',
      body: JSON.stringify({ q: '', limit: 1000, attributesToRetrieve: ['id'] }),
    });
    const { status, body } = await jsonOf(searched);
    expect(status).toBe(200);
    expect(searched.headers.get('x-miroir-degraded')).toBeNull();
    expect((body.hits as { id: number }[]).map((h) => h.id).sort((a, b) => a - b)).toEqual(FINAL);
    expect(body.estimatedTotalHits).toBe(FINAL.length);
  });
});
