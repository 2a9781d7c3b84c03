/**
 * Acceptance 4: one of 3 nodes dies (RF 2). Searches stay complete, writes are accepted and say
 * they are degraded, the missed batches are recorded as hints (exactly those), and the node comes
 * back with the data it had acknowledged.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRedisStore, type HintBatch, type Store } from '#lib/store';
import { shardOf, type Placement } from '#lib/routing';
import { testRedisUrl } from '#lib/testing';
import {
  jsonOf,
  startGatewayStack,
  waitNodesIdle,
  type GatewayStack,
} from './support/gateway-stack.js';

const SHARDS = 16;
const INDEX = 'survivors';
const GENRES = ['drama', 'comedy', 'action', 'horror', 'western'];
const doc = (id: number) => ({
  id,
  title: `${['quiet', 'bright', 'lost', 'brave'][id % 4]} story number ${id}`,
  genre: GENRES[id % 5],
  year: 1950 + (id % 70),
});
const BEFORE = Array.from({ length: 600 }, (_, i) => doc(i));
const DURING = Array.from({ length: 80 }, (_, i) => doc(10_000 + i));
const QUERIES = [
  { q: '', limit: 1000, sort: ['year:desc'] },
  { q: 'story', limit: 1000, facets: ['genre', 'year'] },
  { q: 'brave', filter: 'genre IN [drama, action]', limit: 1000 },
  { q: 'lost numbr', hitsPerPage: 50, page: 3 },
  { q: '', filter: 'year > 2000', facets: ['genre'], limit: 0 },
];

let g: GatewayStack;
let store: Store;
let placement: Placement;
const VICTIM = 1;

async function search(body: object) {
  const res = await g.gateway(`/indexes/${INDEX}/search`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  const { status, body: answer } = await jsonOf(res);
  expect(status).toBe(200);
  const { processingTimeMs: _t, requestUid: _u, ...rest } = answer;
  return { answer: rest, degraded: res.headers.get('x-miroir-degraded') };
}

/** Ids a node holds for the index, asked directly with the node key. */
async function idsOnNode(i: number): Promise<number[]> {
  const { status, body } = await jsonOf(
    await g.node(g.stack.nodes[i]!, `/indexes/${INDEX}/documents?limit=100000&fields=id`),
  );
  expect(status).toBe(200);
  return (body.results as { id: number }[]).map((d) => d.id).sort((a, b) => a - b);
}

/** The ids of `docs` whose shard the node owns. */
function ownedBy(nodeId: string, docs: { id: number }[]): number[] {
  return docs
    .filter((d) => placement.groups['0']![shardOf(d.id, SHARDS)]!.owners.includes(nodeId))
    .map((d) => d.id)
    .sort((a, b) => a - b);
}

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: SHARDS });
  store = createRedisStore({ url: testRedisUrl(), prefix: g.stack.keyPrefix });
  await g.waitWrite(await g.client.createIndex(INDEX, { primaryKey: 'id' }));
  await g.waitWrite(
    await g.client.index(INDEX).updateSettings({
      filterableAttributes: ['genre', 'year'],
      sortableAttributes: ['year'],
    }),
  );
  await g.waitWrite(await g.client.index(INDEX).addDocuments(BEFORE));
  placement = (await store.topology.getPlacement(INDEX))!;
}, 60_000);

afterAll(async () => {
  await store?.close();
  await g?.stop();
});

describe('one node of 3 lost (RF 2)', () => {
  const victim = () => g.stack.nodes[VICTIM]!;
  const baseline: unknown[] = [];

  it('before: every node holds exactly its shards', async () => {
    for (const q of QUERIES) baseline.push((await search(q)).answer);
    for (let i = 0; i < 3; i++) {
      expect(await idsOnNode(i)).toEqual(ownedBy(g.stack.nodes[i]!.id, BEFORE));
    }
  });

  it('searches return complete results while it is down', async () => {
    await victim().kill();
    // Twice: the first pass finds the node dead mid-request, the second plans around it.
    for (let pass = 0; pass < 2; pass++) {
      for (const [i, q] of QUERIES.entries()) {
        const { answer, degraded } = await search(q);
        expect({ q, answer }).toEqual({ q, answer: baseline[i] });
        expect(degraded).toBeNull();
      }
    }
  });

  it('writes are accepted with X-Miroir-Degraded, and the missed batches become hints', async () => {
    const res = await g.gateway(`/indexes/${INDEX}/documents`, {
      method: 'POST',
      body: JSON.stringify(DURING),
    });
    const { status, body: task } = await jsonOf(res);
    expect(status).toBe(202);
    expect(task).toMatchObject({ indexUid: INDEX, status: 'enqueued' });
    const missedShards = [...new Set(DURING.map((d) => shardOf(d.id, SHARDS)))]
      .filter((s) => placement.groups['0']![s]!.owners.includes(victim().id))
      .sort((a, b) => a - b);
    expect(res.headers.get('x-miroir-degraded')).toBe(`groups=0; shards=${missedShards.join(',')}`);

    const deleted = await g.gateway(`/indexes/${INDEX}/documents/delete-batch`, {
      method: 'POST',
      body: JSON.stringify(BEFORE.slice(0, 40).map((d) => d.id)),
    });
    expect(deleted.status).toBe(202);
    expect(deleted.headers.get('x-miroir-degraded')).toMatch(/^groups=0; shards=/);
    const deleteTask = (await deleted.json()) as { taskUid: number };

    const settings = await g.gateway(`/indexes/${INDEX}/settings`, {
      method: 'PATCH',
      body: JSON.stringify({ sortableAttributes: ['year', 'id'] }),
    });
    expect(settings.status).toBe(202);
    expect(settings.headers.get('x-miroir-degraded')).toBe(`nodes=${victim().id}`);
    const settingsTask = (await settings.json()) as { taskUid: number };

    // The hints hold exactly the batches the victim missed, in order, tied to their tasks.
    const hints: HintBatch[] = await store.hints.pending(victim().id, 100);
    expect(hints.map((h) => h.taskUid)).toEqual([
      task.taskUid,
      deleteTask.taskUid,
      settingsTask.taskUid,
    ]);
    for (const other of g.stack.nodes.filter((n) => n !== victim())) {
      expect(await store.hints.count(other.id)).toBe(0);
    }
    const [add, del, set] = hints as [HintBatch, HintBatch, HintBatch];
    const addRequest = add.request as { method: string; path: string; rawBody: string };
    expect(addRequest).toMatchObject({ method: 'POST', path: `/indexes/${INDEX}/documents` });
    const sent = (JSON.parse(addRequest.rawBody) as { id: number }[]).map((d) => d.id);
    expect(sent.sort((a, b) => a - b)).toEqual(ownedBy(victim().id, DURING));
    expect(del.request).toEqual({
      method: 'POST',
      path: `/indexes/${INDEX}/documents/delete-batch`,
      body: ownedBy(victim().id, BEFORE.slice(0, 40)),
    });
    expect(set.request).toMatchObject({ method: 'PATCH', path: `/indexes/${INDEX}/settings` });
    const record = await store.tasks.get(task.taskUid);
    expect(record!.hints).toEqual([{ nodeId: victim().id, seq: add.seq }]);
    expect(Object.keys(record!.nodeTasks).sort()).toEqual(
      g.stack.nodes.filter((n) => n !== victim()).map((n) => n.id),
    );
  });

  it('searches see the degraded writes, complete, from the live copies', async () => {
    // Node-side completion: the Miroir tasks of degraded writes wait for their hints.
    await waitNodesIdle(g.stack);
    const { answer, degraded } = await search({ q: '', limit: 1000 });
    expect(degraded).toBeNull();
    const expected = [...BEFORE.slice(40), ...DURING].map((d) => d.id).sort((a, b) => a - b);
    expect((answer.hits as { id: number }[]).map((h) => h.id).sort((a, b) => a - b)).toEqual(
      expected,
    );
    expect(answer.estimatedTotalHits).toBe(expected.length);
  });

  it('after restart, the node has what it acknowledged before the kill, and nothing it missed', async () => {
    await victim().restart();
    expect(await idsOnNode(VICTIM)).toEqual(ownedBy(victim().id, BEFORE));
    // Hints wait for their replay (another component): still exactly the three batches.
    expect(await store.hints.count(victim().id)).toBe(3);
  });

  it('while its hints wait, new writes to the node queue behind them (no newer version overtaken)', async () => {
    // Wait until the gateway's passive back-off for the node has lapsed, so only the pending hints
    // can keep the write away from it.
    for (const deadline = Date.now() + 40_000; Date.now() < deadline;) {
      const topo = (await (
        await g.gateway('/_miroir/topology', { key: g.stack.adminApiKey })
      ).json()) as { nodes: { id: string; passiveHealth: { retryAt: number } | null }[] };
      const health = topo.nodes.find((n) => n.id === victim().id)!.passiveHealth;
      if (!health || health.retryAt < Date.now()) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    let id = 90_000;
    while (!placement.groups['0']![shardOf(id, SHARDS)]!.owners.includes(victim().id)) id++;
    const res = await g.gateway(`/indexes/${INDEX}/documents`, {
      method: 'POST',
      body: JSON.stringify([{ id, title: 'after restart', genre: 'late', year: 2030 }]),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-miroir-degraded')).toBe(`groups=0; shards=${shardOf(id, SHARDS)}`);
    expect(await store.hints.count(victim().id)).toBe(4);
    expect(await idsOnNode(VICTIM)).not.toContain(id);
  }, 60_000);
});
