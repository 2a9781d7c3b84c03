/**
 * Drills on the infrastructure the log stands on (issue 9): NATS and Redis of this test's own,
 * killed and restarted under writes (Redis with AOF, NATS with file storage, as the README says
 * production must run them). Nothing acknowledged is lost, a write the log refused is applied
 * nowhere, every task settles with its event in the stream, and task uids are never issued twice,
 * even when Redis comes back empty.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Meilisearch } from 'meilisearch';
import { EVENTS_STREAM } from '#lib/contracts';
import {
  checkCopies,
  startPrivateNats,
  startPrivateRedis,
  startStack,
  until,
  type PrivateServer,
  type Stack,
} from '#lib/testing';

let redis: PrivateServer;
let nats: PrivateServer;
let stack: Stack;
let client: Meilisearch;
const wait = { timeout: 90_000, interval: 50 };

beforeAll(async () => {
  [redis, nats] = await Promise.all([startPrivateRedis(), startPrivateNats()]);
  stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    rebalancer: true,
    redisUrl: redis.url,
    natsUrl: nats.url,
  });
  client = new Meilisearch({
    host: stack.gatewayUrl,
    apiKey: stack.masterKey,
    defaultWaitOptions: wait,
  });
  await client.createIndex('drill', { primaryKey: 'id' }).waitTask();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([redis?.dispose(), nats?.dispose()]);
});

const docs = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, n: from + i }));

async function post(body: unknown[]): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${stack.gatewayUrl}/indexes/drill/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.masterKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).catch(() => null);
  if (!res) return { status: 0, json: {} };
  return {
    status: res.status,
    json: (await res.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

/** Posts batches of new documents for `ms`, running `meanwhile` during it; returns what was acknowledged. */
async function writeDuring(ms: number, from: number, meanwhile: () => Promise<void>) {
  const acked: { uid: number; ids: number[] }[] = [];
  const refused: number[] = [];
  const stopAt = Date.now() + ms;
  let next = from;
  const loop = async () => {
    while (Date.now() < stopAt) {
      const batch = docs(10, next);
      next += 10;
      const { status, json } = await post(batch);
      if (status === 202) acked.push({ uid: json.taskUid as number, ids: batch.map((d) => d.id) });
      else {
        refused.push(...batch.map((d) => d.id));
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await Promise.all([loop(), loop(), meanwhile()]);
  return { acked, refused };
}

async function allIds(): Promise<Set<number>> {
  const ids = new Set<number>();
  for (let offset = 0; ; offset += 1000) {
    const page = await client.index('drill').getDocuments({ offset, limit: 1000, fields: ['id'] });
    for (const d of page.results) ids.add(d.id as number);
    if (page.results.length < 1000) return ids;
  }
}

/** Terminal task events the events stream holds, by task uid. */
async function terminalEvents(): Promise<Map<number, string[]>> {
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, {
      filter_subjects: 'miroir.tasks.>',
    });
    const byUid = new Map<number, string[]>();
    const messages = await consumer.fetch({ max_messages: 100_000, expires: 2000 });
    for await (const m of messages) {
      const [, , uid, status] = m.subject.split('.');
      if (['succeeded', 'failed', 'canceled'].includes(status!)) {
        byUid.set(Number(uid), [...(byUid.get(Number(uid)) ?? []), status!]);
      }
      if (m.seq >= last) break;
    }
    return byUid;
  } finally {
    await nc.close();
  }
}

async function settledAndAgreeing(acked: { uid: number; ids: number[] }[], refused: number[]) {
  for (const { uid } of acked)
    expect((await client.tasks.waitForTask(uid)).status).toBe('succeeded');
  const ids = await allIds();
  const lost = acked.flatMap((a) => a.ids).filter((id) => !ids.has(id));
  expect(lost).toEqual([]);
  // A refused write may still have reached the log when its answer was lost: then it is there
  // whole, with its task; never in part.
  const batches = new Map<number, number[]>();
  for (const id of refused)
    batches.set(Math.floor(id / 10), [...(batches.get(Math.floor(id / 10)) ?? []), id]);
  for (const batch of batches.values()) {
    const held = batch.filter((id) => ids.has(id)).length;
    expect([0, batch.length]).toContain(held);
  }
  const check = await checkCopies(stack, 'drill');
  expect({ status: check.status, disagreements: check.disagreements }).toEqual({
    status: 'succeeded',
    disagreements: 0,
  });
}

describe('NATS, the log, restarted', () => {
  it('a write the log cannot take is answered 503 miroir_log_unavailable and applied nowhere', async () => {
    await client.index('drill').addDocuments(docs(20, 0)).waitTask();
    await nats.kill();
    const refused = await post(docs(10, 900_000));
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({
      code: 'miroir_log_unavailable',
      type: 'system',
      link: 'https://docs.meilisearch.com/errors#miroir_log_unavailable',
    });
    await nats.start();
    const accepted = await until(
      'a write accepted again',
      async () => {
        const r = await post(docs(10, 100));
        return r.status === 202 ? r : null;
      },
      60_000,
      500,
    );
    expect((await client.tasks.waitForTask(accepted.json.taskUid as number)).status).toBe(
      'succeeded',
    );
    const ids = await allIds();
    expect([...ids].filter((id) => id >= 900_000)).toEqual([]);
  }, 120_000);

  it('NATS restarted under writes: nothing acknowledged lost, every task settles with its event', async () => {
    const { acked, refused } = await writeDuring(8000, 1000, async () => {
      await new Promise((r) => setTimeout(r, 2500));
      await nats.kill();
      await new Promise((r) => setTimeout(r, 2000));
      await nats.start();
    });
    expect(acked.length).toBeGreaterThan(10);
    await settledAndAgreeing(acked, refused);
    const events = await terminalEvents();
    const missing = acked
      .filter((a) => !events.get(a.uid)?.includes('succeeded'))
      .map((a) => a.uid);
    expect(missing).toEqual([]);
  }, 180_000);
});

describe('Redis, the store, restarted', () => {
  it('Redis restarted (AOF) under writes: nothing lost, no task unfinished, no process restarted', async () => {
    const pids = [stack.gateway, ...stack.writers, ...stack.reconcilers].map((p) => p.child.pid);
    const { acked, refused } = await writeDuring(8000, 100_000, async () => {
      await new Promise((r) => setTimeout(r, 2500));
      await redis.kill();
      await new Promise((r) => setTimeout(r, 2000));
      await redis.start();
    });
    expect(acked.length).toBeGreaterThan(10);
    await settledAndAgreeing(acked, refused);
    expect([stack.gateway, ...stack.writers, ...stack.reconcilers].map((p) => p.child.pid)).toEqual(
      pids,
    );
    for (const p of [stack.gateway, ...stack.writers, ...stack.reconcilers]) {
      expect(p.child.exitCode).toBeNull();
    }
  }, 180_000);

  it('Redis back empty: task uids are never issued twice', async () => {
    const before = (await client.tasks.getTasks({ limit: 1 })).results[0]!.uid;
    const admin = new Redis(redis.url);
    await admin.flushall();
    await admin.quit();
    const next = await until(
      'a write accepted after the wipe',
      async () => {
        const res = await fetch(`${stack.gatewayUrl}/indexes/fresh/documents`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${stack.masterKey}`,
            'content-type': 'application/json',
          },
          body: '[{"id":1}]',
        });
        return res.status === 202 ? ((await res.json()) as { taskUid: number }) : null;
      },
      30_000,
      500,
    );
    expect(next.taskUid).toBeGreaterThan(before);
  }, 60_000);
});
