/**
 * Rebalancing, in one run: 20,000 documents over 3 nodes (RF 2, S 32), then a 4th node added while
 * searches go on. Reports documents migrated per second (copies of documents moved onto the new
 * node, over the rebalance's duration) and search latency p50/p99 before and during the
 * rebalance, measured with the same searches against the same gateway.
 */
import { performance } from 'node:perf_hooks';
import { startStack } from '#lib/testing';
import { generateCorpus } from './lib/emulator-corpus.js';
import { benchClient, percentile, round, waitIdle, type BenchClient } from './lib/http.js';

const DOCUMENTS = 20_000;
const BATCH = 5_000;
const BEFORE_SEARCHES = 300;
const MASTER = 'bench-master-key-0123456789';
const ADMIN = 'bench-admin-key-0123456789';
const SEARCH = '/indexes/bench/search';
const SHAPES = [
  { q: '', limit: 20 },
  { q: '', limit: 20, filter: 'year > 1960' },
  { q: '', limit: 20, sort: ['price:asc'] },
].map((s) => JSON.stringify(s));

async function waitTask(c: BenchClient, uid: number): Promise<void> {
  for (;;) {
    const task = JSON.parse(await c.call('GET', `/tasks/${uid}`)) as { status: string };
    if (task.status === 'succeeded') return;
    if (task.status === 'failed' || task.status === 'canceled')
      throw new Error(`task ${uid} ${task.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function timedSearch(c: BenchClient, i: number): Promise<number> {
  const t0 = performance.now();
  await c.call('POST', SEARCH, SHAPES[i % SHAPES.length]);
  return performance.now() - t0;
}

export async function run(): Promise<Record<string, unknown>> {
  const stack = await startStack({
    nodes: 3,
    spareNodes: 1,
    replicationFactor: 2,
    shards: 32,
    rebalancer: true,
    masterKey: MASTER,
    adminApiKey: ADMIN,
  });
  const client = benchClient(stack.gatewayUrl, MASTER, 2);
  const admin = benchClient(stack.gatewayUrl, ADMIN, 1);
  try {
    const created = JSON.parse(
      await client.call('POST', '/indexes', JSON.stringify({ uid: 'bench', primaryKey: 'id' })),
    ) as { taskUid: number };
    await waitTask(client, created.taskUid);
    const settings = JSON.parse(
      await client.call(
        'PATCH',
        '/indexes/bench/settings',
        JSON.stringify({ filterableAttributes: ['year'], sortableAttributes: ['price'] }),
      ),
    ) as { taskUid: number };
    await waitTask(client, settings.taskUid);
    const corpus = generateCorpus(DOCUMENTS);
    for (let i = 0; i < DOCUMENTS; i += BATCH) {
      const added = JSON.parse(
        await client.call(
          'POST',
          '/indexes/bench/documents',
          JSON.stringify(corpus.slice(i, i + BATCH)),
        ),
      ) as { taskUid: number };
      await waitTask(client, added.taskUid);
    }
    await waitIdle(stack.nodes.slice(0, 3).map((n) => n.url));

    for (let i = 0; i < 20; i++) await timedSearch(client, i);
    const before: number[] = [];
    for (let i = 0; i < BEFORE_SEARCHES; i++) before.push(await timedSearch(client, i));

    const spare = stack.nodes[3]!;
    const started = performance.now();
    await admin.call('POST', '/_miroir/nodes', JSON.stringify({ id: spare.id, url: spare.url }));
    const during: number[] = [];
    let status: {
      finishedAt: string | null;
      moved: number;
      planned: number;
      minimum: number;
      documents: { copied: number };
    } | null = null;
    for (let i = 0; ; i++) {
      during.push(await timedSearch(client, i));
      if (i % 10 === 0) {
        status = JSON.parse(await admin.call('GET', '/_miroir/rebalance')) as typeof status;
        if (status!.finishedAt !== null && status!.planned > 0) break;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    before.sort((a, b) => a - b);
    during.sort((a, b) => a - b);
    const p = (l: number[]) => `${round(percentile(l, 50))} / ${round(percentile(l, 99))}`;
    return {
      'corpus (documents), nodes 3 → 4, RF, shards': `${DOCUMENTS}, RF 2, S 32`,
      'copies moved / even-spread minimum': `${status!.moved} / ${status!.minimum}`,
      'documents migrated': status!.documents.copied,
      'rebalance duration (s)': round(seconds, 1),
      'documents migrated per second': round(status!.documents.copied / seconds, 0),
      'search before rebalance p50 / p99 (ms)': p(before),
      'search during rebalance p50 / p99 (ms)': p(during),
      'search during/before p50, p99': `${round(percentile(during, 50) / percentile(before, 50))}, ${round(percentile(during, 99) / percentile(before, 99))}`,
      'searches before / during': `${before.length} / ${during.length}`,
    };
  } finally {
    await Promise.all([client.close(), admin.close()]);
    await stack.stop();
  }
}
