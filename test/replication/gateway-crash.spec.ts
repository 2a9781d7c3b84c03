/**
 * Issue 9: the gateway killed at random points of large writes (several NATS messages each, so the
 * staged-chunks path is exercised). Every acknowledged write is complete on every copy; one that
 * was not acknowledged is either complete, with its task, or absent everywhere — never in part.
 * Also: a node down past the log's limits comes back stale, serves no reads, and is rebuilt from
 * the healthy copies (issue 12), serving reads again only after.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import { seededRandom } from '#lib/random';
import { shardOfTag } from '#lib/routing';
import { admin, checkCopies, nodeDocuments, startStack, until, type Stack } from '#lib/testing';

let stack: Stack;
let client: Meilisearch;
const random = seededRandom(99);
const wait = { timeout: 90_000, interval: 50 };

beforeAll(async () => {
  stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    rebalancer: true,
    // Small log limits for the stale-copy drill below (1 MiB is the smallest the config takes).
    env: { MIROIR_LOG_MAX_BYTES: String(4 * 1024 * 1024) },
  });
  client = new Meilisearch({
    host: stack.gatewayUrl,
    apiKey: stack.masterKey,
    defaultWaitOptions: wait,
  });
  await client.createIndex('big', { primaryKey: 'id' }).waitTask();
}, 60_000);

afterAll(async () => {
  if (process.env.MIROIR_TEST_DUMP) {
    for (const p of stack?.rebalancers ?? []) process.stderr.write(p.output().slice(-20000));
    for (const p of stack?.writers ?? []) process.stderr.write(p.output().slice(-20000));
  }
  await stack?.stop();
});

/** ~1.3 MB of documents with ids `base…base+n-1`. */
const payload = (base: number, n = 2500) =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({
      id: base + i,
      text: `document ${base + i} `.repeat(24),
    })),
  );

describe('the gateway killed mid-write', () => {
  it('leaves every write whole: acknowledged ones everywhere, others whole with their task or nowhere', async () => {
    const outcomes: { base: number; acked: number | null }[] = [];
    for (let round = 0; round < 6; round++) {
      const url = stack.gateways[0]!.listening.url;
      const sends = [0, 1, 2].map(async (k) => {
        const base = (round * 3 + k + 1) * 10_000;
        const res = await fetch(`${url}/indexes/big/documents`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${stack.masterKey}`,
            'content-type': 'application/json',
          },
          body: payload(base),
        }).catch(() => null);
        const acked =
          res?.status === 202 ? ((await res.json()) as { taskUid: number }).taskUid : null;
        outcomes.push({ base, acked });
      });
      await new Promise((r) => setTimeout(r, random() * 400));
      await stack.gateways[0]!.stop('SIGKILL');
      await Promise.all(sends);
      stack.gateways.splice(0, 1);
      await stack.startGateway();
    }
    client = new Meilisearch({
      host: stack.gateways[0]!.listening.url,
      apiKey: stack.masterKey,
      defaultWaitOptions: wait,
    });
    for (const o of outcomes)
      if (o.acked !== null)
        expect((await client.tasks.waitForTask(o.acked)).status).toBe('succeeded');
    // Every task the log holds settles, including those of writes whose answer never left.
    await until(
      'every task settled',
      async () => {
        const page = await client.tasks.getTasks({
          statuses: ['enqueued', 'processing'],
          limit: 1,
        });
        return page.total === 0;
      },
      90_000,
      250,
    );

    const held = new Map<number, number>();
    for (const node of stack.nodes) {
      for (const doc of await nodeDocuments(stack, node, 'big')) {
        const base = Math.floor((doc.id as number) / 10_000) * 10_000;
        held.set(base, (held.get(base) ?? 0) + 1);
      }
    }
    const tasks = await client.tasks.getTasks({
      indexUids: ['big'],
      types: ['documentAdditionOrUpdate'],
      limit: 1000,
    });
    const completeUnacked = outcomes.filter((o) => o.acked === null && held.get(o.base) === 5000);
    for (const o of outcomes) {
      const copies = held.get(o.base) ?? 0;
      if (o.acked !== null)
        expect({ base: o.base, copies }).toEqual({ base: o.base, copies: 5000 });
      else
        expect({ base: o.base, whole: [0, 5000].includes(copies) }).toEqual({
          base: o.base,
          whole: true,
        });
    }
    // A complete unacknowledged write has its task: one succeeded addition per complete write.
    const succeeded = tasks.results.filter((t) => t.status === 'succeeded').length;
    expect(succeeded).toBe(
      outcomes.filter((o) => o.acked !== null).length + completeUnacked.length,
    );
    const check = await checkCopies(stack, 'big');
    expect(check.disagreements).toBe(0);
  }, 240_000);
});

describe('a node down longer than the log keeps writes', () => {
  it('comes back stale, serves no reads, and is rebuilt from the healthy copies', async () => {
    await client.createIndex('limits', { primaryKey: 'id' }).waitTask();
    const victim = stack.nodes[2]!;
    await victim.kill();
    // Well past the log's 4 MiB: the oldest messages the victim never applied are dropped.
    for (let i = 0; i < 8; i++) {
      await client
        .index('limits')
        .addDocuments(JSON.parse(payload(1_000_000 + i * 5000, 2500)) as object[])
        .waitTask();
    }
    await victim.restart();
    const state = await until(
      'the victim marked stale',
      async () => {
        const { body } = await admin(stack, '/_miroir/topology');
        const node = (body!.nodes as { id: string; copy: { state: string } | null }[]).find(
          (n) => n.id === victim.id,
        );
        return node?.copy?.state === 'stale' ? node.copy : null;
      },
      30_000,
      200,
    );
    expect(state.state).toBe('stale');
    // Reads skip it: counts and documents come whole from the other copies.
    for (let i = 0; i < 4; i++) {
      expect((await client.index('limits').getStats()).numberOfDocuments).toBe(20_000);
    }
    for (const id of [1_000_000, 1_012_345, 1_037_499]) {
      expect((await client.index('limits').getDocument(id)).id).toBe(id);
    }

    // The rebalancer rebuilds it: out of every placement, then its copies moved back onto it.
    const rebuilt = await until(
      'the victim rebuilt and owning copies again',
      async () => {
        const { body: topology } = await admin(stack, '/_miroir/topology');
        const node = (
          topology!.nodes as { id: string; shardCopies: number; copy: { state: string } | null }[]
        ).find((n) => n.id === victim.id);
        const { body: r } = await admin(stack, '/_miroir/rebalance');
        return node?.copy?.state === 'caught-up' && node.shardCopies > 0 && r!.finishedAt !== null
          ? node
          : null;
      },
      120_000,
      250,
    );
    expect(rebuilt.copy!.state).toBe('caught-up');
    for (const index of ['limits', 'big']) {
      const check = await checkCopies(stack, index);
      expect({ index, disagreements: check.disagreements, status: check.status }).toEqual({
        index,
        disagreements: 0,
        status: 'succeeded',
      });
      // Asked of the node itself: it holds exactly its shards' documents, every one of them.
      const { body: shards } = await admin(stack, `/_miroir/shards?index=${index}`);
      const groups = shards!.groups as Record<string, { owners: string[] }[]>;
      const owned = new Set<number>();
      Object.values(groups).forEach((g) =>
        g.forEach((c, s) => c.owners.includes(victim.id) && owned.add(s)),
      );
      const held = await nodeDocuments(stack, victim, shards!.nodeIndex as string);
      expect(held.every((d) => owned.has(shardOfTag(d._miroir_shard)!))).toBe(true);
      const peers = stack.nodes.filter((n) => n.id !== victim.id);
      const expected = new Set<unknown>();
      for (const peer of peers) {
        for (const d of await nodeDocuments(stack, peer, shards!.nodeIndex as string)) {
          if (owned.has(shardOfTag(d._miroir_shard)!)) expected.add(d.id);
        }
      }
      expect(held.length).toBe(expected.size);
    }
    expect((await client.index('limits').getStats()).numberOfDocuments).toBe(20_000);
  }, 240_000);
});
