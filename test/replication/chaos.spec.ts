/**
 * Issue 9's chaos acceptance: concurrent writers through two gateways (replacements and partial
 * updates of the same documents, deletions by id and by filter, settings changes) while nodes are
 * frozen and killed at random and node-writer processes are killed. Afterwards:
 * - the copy checker finds no disagreement;
 * - every copy of every document equals what the acknowledged writes, applied in log order, make
 *   of it (a model replayed from the task uids, which are log positions);
 * - no refused write is applied anywhere;
 * - right after `waitTask`, a read through either gateway sees the write.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import { seededRandom } from '#lib/random';
import {
  checkCopies,
  freeze,
  nodeDocuments,
  replayWrites,
  startStack,
  thaw,
  withoutReserved,
  type ModelOp,
  type RecordedOp,
  type Stack,
} from '#lib/testing';

type Op = ModelOp;

const INDEX = 'chaos';
const SHARED_IDS = 120;
const GROUPS = ['a', 'b', 'c'];
const RUN_MS = 25_000;

let stack: Stack;
let clients: Meilisearch[];
const random = seededRandom(20261205);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const wait = { timeout: 120_000, interval: 50 };

beforeAll(async () => {
  stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    gateways: 2,
    writers: 2,
    rebalancer: true,
  });
  clients = stack.gateways.map(
    (g) =>
      new Meilisearch({ host: g.listening.url, apiKey: stack.masterKey, defaultWaitOptions: wait }),
  );
  await clients[0]!.createIndex(INDEX, { primaryKey: 'id' }).waitTask();
  await clients[0]!
    .index(INDEX)
    .updateSettings({ filterableAttributes: ['group'] })
    .waitTask();
}, 60_000);

afterAll(async () => {
  for (const n of stack?.nodes ?? []) thaw(n);
  await stack?.stop();
});

/**
 * A document read that waits out an outage: while every caught-up copy of the shard is down or
 * frozen the gateway answers 503 rather than read a copy that missed writes. That is allowed; an
 * old value never is. Only the writer that wrote `id` writes it, so the awaited value cannot change.
 */
async function readThroughOutage(client: Meilisearch, id: number): Promise<string> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    try {
      return String((await client.index(INDEX).getDocument(id)).v);
    } catch (err) {
      const unavailable = (err as { response?: { status?: number } }).response?.status === 503;
      if (!unavailable || Date.now() > giveUpAt) return String(err);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('chaos: the copies end up equal to the acknowledged writes', () => {
  it('survives freezes, node kills and writer kills under concurrent writes', async () => {
    const acknowledged: RecordedOp[] = [];
    const refused: string[] = [];
    const readYourWrites: string[] = [];
    let counter = 0;
    const stopAt = Date.now() + RUN_MS;
    const marker = () => `m${counter++}`;

    const writer = async (w: number) => {
      const client = clients[w % 2]!;
      const other = clients[(w + 1) % 2]!;
      while (Date.now() < stopAt) {
        const roll = random();
        let op: Op;
        if (roll < 0.45) {
          op = {
            kind: 'replace',
            docs: Array.from({ length: 1 + Math.floor(random() * 20) }, () => ({
              id: Math.floor(random() * SHARED_IDS),
              v: marker(),
              group: pick(GROUPS),
            })),
          };
        } else if (roll < 0.7) {
          op = {
            kind: 'update',
            docs: Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
              id: Math.floor(random() * SHARED_IDS),
              v: marker(),
            })),
          };
        } else if (roll < 0.85) {
          op = {
            kind: 'deleteIds',
            ids: Array.from({ length: 3 }, () => Math.floor(random() * SHARED_IDS)),
          };
        } else if (roll < 0.95) {
          op = { kind: 'deleteGroup', group: pick(GROUPS) };
        } else {
          op = { kind: 'settings', stopWords: [marker()] };
        }
        const index = client.index(INDEX);
        try {
          const task =
            op.kind === 'replace'
              ? await index.addDocuments(op.docs)
              : op.kind === 'update'
                ? await index.updateDocuments(op.docs)
                : op.kind === 'deleteIds'
                  ? await index.deleteDocuments(op.ids)
                  : op.kind === 'deleteGroup'
                    ? await index.deleteDocuments({ filter: `group = ${op.group}` })
                    : await index.updateSettings({ stopWords: op.stopWords });
          acknowledged.push({ op, taskUid: task.taskUid });
        } catch (err) {
          // Refused (e.g. a gateway restarting): must be applied nowhere.
          if (op.kind === 'replace' || op.kind === 'update')
            refused.push(...op.docs.map((d) => d.v));
          void err;
        }
        // Read your writes, on ids only this writer touches: right after the task, both gateways see it.
        if (random() < 0.15) {
          const id = 10_000 + w * 100 + Math.floor(random() * 100);
          const v = marker();
          const task = await index.addDocuments([{ id, v, group: 'ryw' }]).catch(() => null);
          if (!task) continue;
          acknowledged.push({
            op: { kind: 'replace', docs: [{ id, v, group: 'ryw' }] },
            taskUid: task.taskUid,
          });
          const done = await client.tasks.waitForTask(task.taskUid);
          if (done.status !== 'succeeded') continue;
          for (const c of [client, other]) {
            const got = await readThroughOutage(c, id);
            if (got !== v) readYourWrites.push(`${id}: wrote ${v}, read ${got}`);
          }
        }
      }
    };

    const chaos = async () => {
      while (Date.now() < stopAt - 3000) {
        await new Promise((r) => setTimeout(r, 800 + random() * 1200));
        const roll = random();
        const node = pick(stack.nodes);
        if (roll < 0.4) {
          freeze(node);
          await new Promise((r) => setTimeout(r, 500 + random() * 2000));
          thaw(node);
        } else if (roll < 0.7) {
          if (!node.process) continue;
          await node.kill();
          await new Promise((r) => setTimeout(r, 500 + random() * 1500));
          await node.restart();
        } else if (stack.writers.length > 0) {
          const victim = stack.writers.splice(Math.floor(random() * stack.writers.length), 1)[0]!;
          await victim.stop('SIGKILL');
          await stack.startWriter();
        }
      }
    };

    await Promise.all([writer(0), writer(1), writer(2), writer(3), chaos()]);
    for (const n of stack.nodes) {
      thaw(n);
      if (!n.process) await n.restart();
    }

    const statuses = new Map<number, string>();
    for (const { taskUid } of acknowledged) {
      statuses.set(taskUid, (await clients[0]!.tasks.waitForTask(taskUid)).status);
    }
    expect(acknowledged.length).toBeGreaterThan(50);
    expect([...statuses.values()].filter((s) => s !== 'succeeded')).toEqual([]);
    expect(readYourWrites).toEqual([]);

    const check = await checkCopies(stack, INDEX);
    expect({ status: check.status, disagreements: check.disagreements }).toEqual({
      status: 'succeeded',
      disagreements: 0,
    });

    const expected = replayWrites(acknowledged, statuses);
    const copies = new Map<number, Record<string, unknown>[]>();
    for (const node of stack.nodes) {
      for (const doc of await nodeDocuments(stack, node, INDEX)) {
        const id = doc.id as number;
        copies.set(id, [...(copies.get(id) ?? []), withoutReserved(doc)]);
      }
    }
    const wrong: string[] = [];
    for (const [id, want] of expected) {
      const held = copies.get(id) ?? [];
      if (held.length !== 2) wrong.push(`${id}: ${held.length} copies`);
      for (const doc of held) {
        if (
          JSON.stringify(doc) !== JSON.stringify(withoutReserved(want as Record<string, unknown>))
        ) {
          // Key order may differ after a partial update: compare as values.
          expect({ id, doc }).toEqual({ id, doc: want });
        }
      }
    }
    for (const id of copies.keys()) if (!expected.has(id)) wrong.push(`${id}: should not exist`);
    expect(wrong).toEqual([]);
    const everything = JSON.stringify([...copies.values()]);
    for (const v of refused) expect(everything).not.toContain(`"${v}"`);
  }, 240_000);
});
