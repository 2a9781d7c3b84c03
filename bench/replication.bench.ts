/**
 * The write path through the log (issue 9), every figure measured side by side in one run:
 * 1. Ingest at RF 2 over 3 emulator nodes (S 16): the same batches through the gateway (log,
 *    node writers, task settled) vs a client writing each batch straight to every owner node
 *    itself (the best a client could do without Miroir). Ratio ≥ 0.8 is the target. Measured
 *    twice: every process sharing both cores, then the nodes pinned to a core of their own.
 * 2. Write acknowledgement latency p50/p99: a one-document write through the gateway (202 once the
 *    log has it) vs the same write straight to a node (202 once the node enqueued it).
 * 3. Node writer throughput: documents applied per node per second during (1).
 * 4. Read amplification of the subject layout (one message per request, every writer reads every
 *    message): bytes read per node over bytes it needs, at 3 and at 12 nodes (RF 2, S 64).
 * 5. Log storage per million documents (JetStream stream bytes after (1)).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { createRedisStore } from '#lib/store';
import { shardOf, targetPlacement, writeTargets, type Topology } from '#lib/routing';
import { startStack, testRedisUrl, type Stack } from '#lib/testing';
import { documentParts, readDocuments } from '#lib/writes';
import { generateCorpus } from './lib/emulator-corpus.js';

const DOCUMENTS = 20_000;
const BATCH = 1_000;
const ACK_SAMPLES = 200;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function pool(url: string, key: string) {
  const p = new Pool(url, { connections: 8, pipelining: 1 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return {
    async call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: string) {
      const res = await p.request({ method, path, headers, body });
      const text = await res.body.text();
      if (res.statusCode >= 400) throw new Error(`${method} ${path} → ${res.statusCode} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    },
    close: () => p.close(),
  };
}

async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Read amplification of one message per request, read whole by every node's writer. */
export function readAmplification(nodes: number, docsPerMessage = BATCH, messages = 20): number {
  const topology: Topology = {
    nodes: Array.from({ length: nodes }, (_, i) => ({
      id: `meili-${i}`,
      url: '',
      group: '0',
      state: 'active',
    })),
    replicationFactor: 2,
    epoch: 1,
  };
  const placement = targetPlacement(topology, 64);
  const corpus = generateCorpus(docsPerMessage * messages, 7);
  let read = 0;
  let needed = 0;
  for (let m = 0; m < messages; m++) {
    const batch = corpus.slice(m * docsPerMessage, (m + 1) * docsPerMessage);
    const docs = readDocuments('json', JSON.stringify(batch));
    const { parts } = documentParts(docs, 'id', 64, { indexUid: 'x', geo: false });
    const size = parts.reduce((n, p) => n + p.bytes, 0);
    for (const node of topology.nodes) {
      read += size;
      for (const p of parts) {
        if (writeTargets(placement, p.shard).some((t) => t.nodes.includes(node.id)))
          needed += p.bytes;
      }
    }
  }
  return read / needed;
}

export async function run(): Promise<Record<string, unknown>> {
  const stack = await startStack({ nodes: 3, replicationFactor: 2, shards: 16 });
  const store = createRedisStore({ url: testRedisUrl(), prefix: stack.keyPrefix });
  const gateway = pool(stack.gatewayUrl, stack.masterKey);
  const nodes = stack.nodes.map((n) => pool(n.url, stack.nodeKey));
  try {
    const corpus = generateCorpus(DOCUMENTS, 11);
    const batches = Array.from({ length: DOCUMENTS / BATCH }, (_, i) =>
      corpus.slice(i * BATCH, (i + 1) * BATCH),
    );

    // 1. Every process shares both cores (as on this machine's CI).
    const shared = await ingest(stack, gateway, nodes, batches, 'shared');
    // 2. Acknowledgement latency of one small write, alternating sides.
    const viaGateway: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < ACK_SAMPLES; i++) {
      const doc = JSON.stringify([{ id: `ack-${i}`, title: 'x' }]);
      let s = performance.now();
      await gateway.call('POST', '/indexes/ingest-shared/documents', doc);
      viaGateway.push(performance.now() - s);
      s = performance.now();
      await nodes[i % nodes.length]!.call(
        'POST',
        '/indexes/direct-shared/documents?primaryKey=id',
        doc,
      );
      direct.push(performance.now() - s);
    }
    viaGateway.sort((a, b) => a - b);
    direct.sort((a, b) => a - b);

    // 1''. Nodes pinned to core 1, Miroir's processes and this client to core 0: the nodes get the
    // core a real deployment gives them, so the ratio shows Miroir's own cost, not CPU contention.
    const pinned = pin(stack) ? await ingest(stack, gateway, nodes, batches, 'pinned') : undefined;

    // 5. Log storage.
    const writers = await store.writers.list();
    const logBytes = await streamBytes(stack.env.MIROIR_LOG_STREAM!, stack.env.MIROIR_NATS_URL!);

    return {
      documents: DOCUMENTS,
      ingestGatewayDocsPerSecond: Math.round(DOCUMENTS / shared.gatewaySeconds),
      ingestDirectDocsPerSecond: Math.round(DOCUMENTS / shared.directSeconds),
      ingestRatio: round(shared.directSeconds / shared.gatewaySeconds),
      nodesOwnCoreGatewayDocsPerSecond: pinned && Math.round(DOCUMENTS / pinned.gatewaySeconds),
      nodesOwnCoreDirectDocsPerSecond: pinned && Math.round(DOCUMENTS / pinned.directSeconds),
      nodesOwnCoreIngestRatio: pinned && round(pinned.directSeconds / pinned.gatewaySeconds),
      ackGatewayP50Ms: round(percentile(viaGateway, 50)),
      ackGatewayP99Ms: round(percentile(viaGateway, 99)),
      ackNodeP50Ms: round(percentile(direct, 50)),
      ackNodeP99Ms: round(percentile(direct, 99)),
      ackAddedByLogP50Ms: round(percentile(viaGateway, 50) - percentile(direct, 50)),
      ackAddedByLogP99Ms: round(percentile(viaGateway, 99) - percentile(direct, 99)),
      writerDocsPerSecondPerNode: Math.round(
        (DOCUMENTS * 2) / stack.nodes.length / (pinned ?? shared).gatewaySeconds,
      ),
      writerRetries: writers.reduce((n, w) => n + w.retries, 0),
      readAmplification3Nodes: round(readAmplification(3)),
      readAmplification12Nodes: round(readAmplification(12)),
      logMegabytesPerMillionDocuments: round(
        ((logBytes / ((pinned ? 2 : 1) * DOCUMENTS + ACK_SAMPLES)) * 1e6) / 1e6,
        1,
      ),
    };
  } finally {
    await gateway.close();
    await Promise.all(nodes.map((n) => n.close()));
    await store.close();
    await stack.stop();
  }
}

type Client = ReturnType<typeof pool>;

/** One ingest of the corpus through the gateway, then straight to the owner nodes. */
async function ingest(
  stack: Stack,
  gateway: Client,
  nodes: Client[],
  batches: unknown[][],
  name: string,
): Promise<{ gatewaySeconds: number; directSeconds: number }> {
  // Through the gateway: 202s, then every task settled.
  const created = await gateway.call(
    'POST',
    '/indexes',
    JSON.stringify({ uid: `ingest-${name}`, primaryKey: 'id' }),
  );
  await waitTask(gateway, created.taskUid as number);
  const t0 = performance.now();
  const uids: number[] = [];
  await inParallel(batches, 4, async (batch) => {
    const r = await gateway.call(
      'POST',
      `/indexes/ingest-${name}/documents`,
      JSON.stringify(batch),
    );
    uids.push(r.taskUid as number);
  });
  for (const uid of uids) await waitTask(gateway, uid);
  const gatewaySeconds = (performance.now() - t0) / 1000;

  // A client writing the same batches to every owner itself (same placement, own index).
  const placement = targetPlacement(
    {
      nodes: stack.nodes.map((n) => ({ id: n.id, url: n.url, group: '0', state: 'active' })),
      replicationFactor: 2,
      epoch: 1,
    },
    16,
  );
  for (const n of nodes) {
    await n.call(
      'PATCH',
      `/indexes/direct-${name}/settings`,
      JSON.stringify({ filterableAttributes: ['genre'] }),
    );
  }
  await waitIdle(stack.nodes.map((n) => n.url));
  const t1 = performance.now();
  await inParallel(batches, 4, async (batch) => {
    const perNode = new Map<number, unknown[]>();
    for (const doc of batch) {
      const shard = shardOf(String((doc as { id: unknown }).id), 16);
      for (const t of writeTargets(placement, shard)) {
        for (const id of t.nodes) {
          const i = stack.nodes.findIndex((n) => n.id === id);
          perNode.set(i, [...(perNode.get(i) ?? []), doc]);
        }
      }
    }
    await Promise.all(
      [...perNode].map(([i, docs]) =>
        nodes[i]!.call(
          'POST',
          `/indexes/direct-${name}/documents?primaryKey=id`,
          JSON.stringify(docs),
        ),
      ),
    );
  });
  await waitIdle(stack.nodes.map((n) => n.url));
  return { gatewaySeconds, directSeconds: (performance.now() - t1) / 1000 };
}

/**
 * Pins the emulator nodes to core 1 and Miroir's processes and this one to core 0 (`taskset`, all
 * threads). Redis and NATS are not ours to pin and keep both cores. False where it cannot.
 */
function pin(stack: Stack): boolean {
  if (availableParallelism() < 2) return false;
  const set = (core: number, pid: number | undefined) =>
    pid !== undefined && execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)]);
  try {
    for (const n of stack.nodes) set(1, n.process?.child.pid);
    const ours = [...stack.gateways, ...stack.writers, ...stack.reconcilers, ...stack.rebalancers];
    for (const p of ours) set(0, p.child.pid);
    set(0, process.pid);
    return true;
  } catch {
    return false;
  }
}

async function waitTask(gateway: ReturnType<typeof pool>, uid: number): Promise<void> {
  for (;;) {
    const task = await gateway.call('GET', `/tasks/${uid}`);
    if (task.status === 'succeeded') return;
    if (task.status === 'failed' || task.status === 'canceled') {
      throw new Error(`task ${uid} ${String(task.status)}: ${JSON.stringify(task.error)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitIdle(urls: string[]): Promise<void> {
  for (const url of urls) {
    const res = await fetch(`${url}/_emulator/tasks/idle?timeoutMs=120000`);
    if (res.status !== 200) throw new Error(`${url} did not finish indexing`);
  }
}

async function streamBytes(stream: string, natsUrl: string): Promise<number> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.bytes;
  } finally {
    await nc.close();
  }
}
