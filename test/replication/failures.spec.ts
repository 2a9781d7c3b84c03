/**
 * One test per failure the ordered log was built to end (issue 9, "Why"), each through the real
 * processes: emulator nodes, two gateways, a node writer, the task-reconciler and the rebalancer
 * (copy checker), with the official `meilisearch` client. The copy checker is the oracle for "the
 * copies agree"; reads asked of each node directly prove where documents are.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import {
  checkCopies,
  freeze,
  nodeDocuments,
  nodeJson,
  startStack,
  thaw,
  until,
  type Stack,
} from '#lib/testing';

let stack: Stack;
let client: Meilisearch;
let second: Meilisearch;
const wait = { timeout: 60_000, interval: 20 };

beforeAll(async () => {
  stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    gateways: 2,
    rebalancer: true,
  });
  client = new Meilisearch({
    host: stack.gatewayUrl,
    apiKey: stack.masterKey,
    defaultWaitOptions: wait,
  });
  second = new Meilisearch({
    host: stack.gateways[1]!.listening.url,
    apiKey: stack.masterKey,
    defaultWaitOptions: wait,
  });
}, 60_000);

afterAll(async () => {
  for (const n of stack?.nodes ?? []) thaw(n);
  await stack?.stop();
});

const docs = (n: number, from = 0, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, title: `doc ${from + i}`, ...extra }));

async function expectAgreement(index: string): Promise<void> {
  const check = await checkCopies(stack, index);
  expect({
    status: check.status,
    disagreements: check.disagreements,
    shards: check.disagreeingShards,
  }).toEqual({
    status: 'succeeded',
    disagreements: 0,
    shards: 0,
  });
}

describe('copies of a shard never disagree', () => {
  it('two nodes frozen while 200 documents are posted: accepted, applied everywhere once they thaw', async () => {
    await client.createIndex('frozen', { primaryKey: 'id' }).waitTask();
    await client.index('frozen').addDocuments(docs(50)).waitTask();
    await client.index('frozen').deleteDocument(7).waitTask();
    const [a, b] = [stack.nodes[0]!, stack.nodes[1]!];
    freeze(a);
    freeze(b);
    try {
      const task = await client.index('frozen').addDocuments(docs(200, 1000));
      expect(task.status).toBe('enqueued');
      const task2 = await second.index('frozen').updateDocuments([{ id: 1003, title: 'newer' }]);
      await new Promise((r) => setTimeout(r, 1500));
      thaw(a);
      thaw(b);
      expect((await client.tasks.waitForTask(task.taskUid)).status).toBe('succeeded');
      expect((await client.tasks.waitForTask(task2.taskUid)).status).toBe('succeeded');
    } finally {
      thaw(a);
      thaw(b);
    }
    // The same search through either gateway, repeated, answers the same total every time.
    const totals = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const c = i % 2 ? second : client;
      totals.add((await c.index('frozen').search('', { limit: 0 })).estimatedTotalHits!);
    }
    expect([...totals]).toEqual([249]);
    expect(await client.index('frozen').getDocument(1003)).toMatchObject({ title: 'newer' });
    await expectAgreement('frozen');
  }, 90_000);

  it("a node's one 500 during a write is retried in place: no copy is missing anything", async () => {
    await client.createIndex('flaky', { primaryKey: 'id' }).waitTask();
    const victim = stack.nodes[2]!;
    await fetch(`${victim.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        match: { route: 'documents', method: 'POST' },
        effect: { status: 500 },
        times: 1,
      }),
    });
    const task = await client.index('flaky').addDocuments(docs(3000)).waitTask();
    expect(task.status).toBe('succeeded');
    await expectAgreement('flaky');
    // Every document is on each of its copies: 3000 documents × RF 2.
    const held = await Promise.all(stack.nodes.map((n) => nodeDocuments(stack, n, 'flaky')));
    expect(held.reduce((sum, d) => sum + d.length, 0)).toBe(6000);
    for (const id of [0, 1234, 2999]) {
      expect((await client.index('flaky').getDocument(id)).id).toBe(id);
    }
  }, 60_000);

  it('a node that missed writes serves no read until it caught up: waitTask then GET never misses', async () => {
    await client.createIndex('reads', { primaryKey: 'id' }).waitTask();
    await client.index('reads').addDocuments(docs(20)).waitTask();
    const victim = stack.nodes[1]!;
    await victim.kill();
    const written: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await client.index('reads').addDocuments(docs(40, 100 + i * 40));
      written.push(t.taskUid);
    }
    await victim.restart();
    // Right after each task says succeeded, every one of its documents is readable through both gateways.
    for (const [i, uid] of written.entries()) {
      expect((await client.tasks.waitForTask(uid)).status).toBe('succeeded');
      for (const id of [100 + i * 40, 139 + i * 40]) {
        expect((await client.index('reads').getDocument(id)).id).toBe(id);
        expect((await second.index('reads').getDocument(id)).id).toBe(id);
      }
    }
    await until('the restarted copy caught up', async () => {
      const { body } = await nodeJson(stack, victim, '/indexes/reads/stats');
      return body !== null;
    });
    await expectAgreement('reads');
  }, 90_000);

  it('the newer of two updates of one document wins on every copy, even across a node outage', async () => {
    await client.createIndex('versions', { primaryKey: 'id' }).waitTask();
    await client
      .index('versions')
      .addDocuments([{ id: 'x', v: 0 }])
      .waitTask();
    const victim = stack.nodes[0]!;
    await victim.kill();
    await client.index('versions').addDocuments([{ id: 'x', v: 1 }]);
    const last = await second.index('versions').addDocuments([{ id: 'x', v: 2 }]);
    await victim.restart();
    await client.tasks.waitForTask(last.taskUid);
    await expectAgreement('versions');
    for (const node of stack.nodes) {
      const held = (await nodeDocuments(stack, node, 'versions')).filter((d) => d.id === 'x');
      for (const doc of held) expect(doc.v).toBe(2);
    }
  }, 60_000);

  it('two settings updates at once through two gateways reach every node, and the catalog, in one order', async () => {
    await client.createIndex('orders', { primaryKey: 'id' }).waitTask();
    const [t1, t2] = await Promise.all([
      client.index('orders').updateSettings({ stopWords: ['a'], searchableAttributes: ['title'] }),
      second.index('orders').updateSettings({ stopWords: ['b'], searchableAttributes: ['body'] }),
    ]);
    await client.tasks.waitForTask(t1.taskUid);
    await client.tasks.waitForTask(t2.taskUid);
    const last = t1.taskUid > t2.taskUid ? ['a', 'title'] : ['b', 'body'];
    const catalog = await client.index('orders').getSettings();
    expect([catalog.stopWords, catalog.searchableAttributes]).toEqual([[last[0]], [last[1]]]);
    for (const node of stack.nodes) {
      const { body } = await nodeJson(stack, node, '/indexes/orders/settings');
      expect([body!.stopWords, body!.searchableAttributes]).toEqual([[last[0]], [last[1]]]);
    }
  }, 30_000);

  it('an integer id above 2^53 reaches the nodes, and comes back, byte for byte', async () => {
    const res = await fetch(`${stack.gatewayUrl}/indexes/tweets/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.masterKey}`, 'content-type': 'application/json' },
      body: '[{"tweet_id":1234567890123456789,"likes":98765432109876543210,"max":18446744073709551615}]',
    });
    expect(res.status).toBe(202);
    const { taskUid } = (await res.json()) as { taskUid: number };
    const task = await client.tasks.waitForTask(taskUid);
    expect(task.status).toBe('succeeded');
    expect((await client.index('tweets').getRawInfo()).primaryKey).toBe('tweet_id');
    const back = await fetch(`${stack.gatewayUrl}/indexes/tweets/documents/1234567890123456789`, {
      headers: { authorization: `Bearer ${stack.masterKey}` },
    });
    expect(await back.text()).toBe(
      '{"tweet_id":1234567890123456789,"likes":98765432109876543210,"max":18446744073709551615}',
    );
    const copies = await Promise.all(
      stack.nodes.map((n) => nodeJson(stack, n, '/indexes/tweets/documents/1234567890123456789')),
    );
    const held = copies.filter((c) => c.status === 200);
    expect(held).toHaveLength(2);
    for (const c of held)
      expect(c.text).toContain('"tweet_id":1234567890123456789,"likes":98765432109876543210');
  }, 30_000);

  it('a write racing an index deletion never brings documents back', async () => {
    await client.createIndex('gone', { primaryKey: 'id' }).waitTask();
    await client.index('gone').addDocuments(docs(30)).waitTask();
    const [write, del] = await Promise.all([
      second.index('gone').addDocuments(docs(30, 500)),
      client.deleteIndex('gone'),
    ]);
    const written = await client.tasks.waitForTask(write.taskUid);
    expect((await client.tasks.waitForTask(del.taskUid)).status).toBe('succeeded');
    // Before the deletion in the log: deleted with the rest. After it: decided for the ended index it
    // fails on every copy, or decided after it, it creates the index anew, as Meilisearch would.
    const recreated = write.taskUid > del.taskUid && written.status === 'succeeded';
    if (write.taskUid > del.taskUid && !recreated)
      expect(written.error?.code).toBe('index_not_found');
    if (write.taskUid < del.taskUid) expect(written.status).toBe('succeeded');
    const held = (
      await Promise.all(stack.nodes.map((n) => nodeDocuments(stack, n, 'gone')))
    ).flat();
    expect(held.filter((d) => (d.id as number) < 500)).toEqual([]); // nothing comes back
    const index = await client.getIndex('gone').catch(() => null);
    expect(index !== null).toBe(recreated);
    if (recreated) {
      expect((await client.index('gone').search('', { limit: 0 })).estimatedTotalHits).toBe(30);
    }
  }, 30_000);
});
