/**
 * Gateway benchmark, every figure side by side in one run:
 * 1. Same corpus (emulator nodes) through the gateway into 3 nodes (RF 2, S 16) and straight into
 *    one node: ingest docs/s (ratio), 20-hit search latency p50/p99 at concurrency 1 (interleaved),
 *    the gateway's added p50/p99, and searches/s at concurrency 32.
 * 2. Canned nodes: 3 tiny HTTP servers answering a fixed realistic search reply at once, so the
 *    gateway's own cost shows: searches/s per gateway process, gateway CPU µs per search (from
 *    /proc/<pid>/stat) and its RSS under load.
 * The load generator runs in this process, on the same (2-core) machine as everything else.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  builtApp,
  startProcess,
  startStack,
  testNatsUrl,
  testRedisUrl,
  uniquePrefix,
  type RunningProcess,
} from '#lib/testing';
import { generateCorpus, generateQueries } from './lib/emulator-corpus.js';
import {
  benchClient,
  latencies,
  percentile,
  round,
  waitIdle,
  type BenchClient,
} from './lib/http.js';

const DOCUMENTS = 20_000;
const BATCH = 5_000;
const LATENCY_QUERIES = 400;
const WARMUP = 60;
const LOAD_SECONDS = 4;
const CONCURRENCY = 32;
const MASTER = 'bench-master-key-0123456789';
const NODE_KEY = 'bench-node-key-0123456789';
const SETTINGS = { filterableAttributes: ['genre', 'year'], sortableAttributes: ['year', 'price'] };
const TARGETS = {
  addedP50Ms: 1,
  addedP99Ms: 3,
  cannedSearchesPerSecond: 2000,
  ingestRatio: 0.8,
  rssMb: 256,
};

const client = (url: string, key: string) => benchClient(url, key, CONCURRENCY);
type Client = BenchClient;

/** Searches/s with `CONCURRENCY` requests in flight for `seconds`. */
async function throughput(c: Client, path: string, bodies: string[], seconds: number) {
  let done = 0;
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await c.call('POST', path, bodies[next++ % bodies.length]);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

function batchesOf(corpus: object[]): string[] {
  return Array.from({ length: DOCUMENTS / BATCH }, (_, i) =>
    JSON.stringify(corpus.slice(i * BATCH, (i + 1) * BATCH)),
  );
}

async function realNodes(): Promise<Record<string, unknown>> {
  const stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 16,
    masterKey: MASTER,
  });
  const direct = await startProcess(
    builtApp('meili-emulator'),
    ['--http-addr', '127.0.0.1:0', '--master-key', NODE_KEY],
    {},
  );
  const gw = client(stack.gatewayUrl, MASTER);
  const one = client(direct.listening.url, NODE_KEY);
  try {
    await gw.call('POST', '/indexes', JSON.stringify({ uid: 'bench', primaryKey: 'id' }));
    await one.call('POST', '/indexes', JSON.stringify({ uid: 'bench', primaryKey: 'id' }));
    await gw.call('PATCH', '/indexes/bench/settings', JSON.stringify(SETTINGS));
    await one.call('PATCH', '/indexes/bench/settings', JSON.stringify(SETTINGS));
    await waitIdle([...stack.nodes.map((n) => n.url), direct.listening.url]);

    const batches = batchesOf(generateCorpus(DOCUMENTS));
    /** docs/s until every batch was accepted (202), and until the nodes finished indexing. */
    const ingest = async (c: Client, nodes: string[]) => {
      const t0 = performance.now();
      for (const body of batches) await c.call('POST', '/indexes/bench/documents', body);
      const accepted = performance.now();
      await waitIdle(nodes);
      const rate = (until: number) => DOCUMENTS / ((until - t0) / 1000);
      return { accepted: rate(accepted), indexed: rate(performance.now()) };
    };
    const directIngest = await ingest(one, [direct.listening.url]);
    const gatewayIngest = await ingest(
      gw,
      stack.nodes.map((n) => n.url),
    );

    const bodies = generateQueries(LATENCY_QUERIES, 11).map((q) =>
      JSON.stringify({ ...q, limit: 20 }),
    );
    const [gwLat, oneLat] = (await latencies(
      [gw, one],
      '/indexes/bench/search',
      bodies,
      WARMUP,
    )) as [number[], number[]];
    const directQps = await throughput(one, '/indexes/bench/search', bodies, LOAD_SECONDS);
    const gatewayQps = await throughput(gw, '/indexes/bench/search', bodies, LOAD_SECONDS);
    const addedP50 = percentile(gwLat, 50) - percentile(oneLat, 50);
    const addedP99 = percentile(gwLat, 99) - percentile(oneLat, 99);
    return {
      'corpus (documents), batches': `${DOCUMENTS}, ${DOCUMENTS / BATCH} × ${BATCH}`,
      'ingest, indexed: one node directly (docs/s)': Math.round(directIngest.indexed),
      'ingest, indexed: gateway → 3 nodes RF 2 (docs/s)': Math.round(gatewayIngest.indexed),
      [`ingest ratio gateway/direct, until indexed (target ≥ ${TARGETS.ingestRatio})`]: round(
        gatewayIngest.indexed / directIngest.indexed,
      ),
      'ingest, accepted (202): one node directly (docs/s)': Math.round(directIngest.accepted),
      'ingest, accepted (202): gateway (docs/s)': Math.round(gatewayIngest.accepted),
      'ingest ratio gateway/direct, until accepted': round(
        gatewayIngest.accepted / directIngest.accepted,
      ),
      'search c=1, 20 hits: direct p50 / p99 (ms)': `${round(percentile(oneLat, 50))} / ${round(percentile(oneLat, 99))}`,
      'search c=1, 20 hits: gateway over 3 nodes p50 / p99 (ms)': `${round(percentile(gwLat, 50))} / ${round(percentile(gwLat, 99))}`,
      // Includes the nodes' own cost of the shard filter and waiting for the slowest of 3 nodes.
      [`added p50, real nodes (ms, target ≤ ${TARGETS.addedP50Ms})`]: round(addedP50),
      [`added p99, real nodes (ms, target ≤ ${TARGETS.addedP99Ms})`]: round(addedP99),
      [`searches/s at c=${CONCURRENCY}: direct`]: Math.round(directQps),
      [`searches/s at c=${CONCURRENCY}: gateway over 3 nodes`]: Math.round(gatewayQps),
    };
  } finally {
    await Promise.all([gw.close(), one.close()]);
    await Promise.all([stack.stop(), direct.stop()]);
  }
}

/** A search reply as one node sends it for a 20-hit page (ranking details, shard tag and all). */
function cannedReply(node: number): Buffer {
  const hits = Array.from({ length: 20 }, (_, k) => {
    const id = node * 1000 + k;
    return {
      id,
      title: `river stone light ${id}`,
      overview: 'an overview of the document about a hidden dragon and a silver castle by the sea',
      genre: 'drama',
      year: 1990 + (k % 30),
      tags: ['river', 'stone'],
      _miroir_shard: '.-',
      _rankingScore: 0.9 - k * 0.01,
      _rankingScoreDetails: {
        words: { order: 0, matchingWords: 1, maxMatchingWords: 1, score: 1 },
        typo: { order: 1, typoCount: 0, maxTypoCount: 1, score: 1 },
        proximity: { order: 2, score: 1 },
        attribute: {
          order: 3,
          attributeRankingOrderScore: 1,
          queryWordDistanceScore: 1,
          score: 1 - (k + node) * 0.01,
        },
        exactness: { order: 4, matchType: 'exactMatch', score: 1 },
      },
    };
  });
  return Buffer.from(
    JSON.stringify({
      hits,
      query: 'river',
      processingTimeMs: 0,
      limit: 20,
      offset: 0,
      estimatedTotalHits: 4321,
      requestUid: '00000000-0000-4000-8000-000000000000',
    }),
  );
}

/** A node that answers every search at once with the same reply, and every write with a task. */
/** Searches each canned node answered (the gateway's fan-out, measured). */
const cannedSearches = [0, 0, 0];

async function cannedNode(node: number): Promise<Server> {
  const search = cannedReply(node);
  let taskUid = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const isSearch = req.method === 'POST' && req.url?.endsWith('/search');
      if (isSearch) cannedSearches[node]!++;
      const body = isSearch
        ? search
        : req.method === 'GET'
          ? Buffer.from('{"status":"available"}')
          : Buffer.from(
              JSON.stringify({
                taskUid: taskUid++,
                indexUid: 'bench',
                status: 'enqueued',
                type: 'settingsUpdate',
                enqueuedAt: new Date().toISOString(),
              }),
            );
      res.writeHead(isSearch || req.method === 'GET' ? 200 : 202, {
        'content-type': 'application/json',
        'content-length': body.length,
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** utime + stime of a process, in µs (clock ticks are 1/100 s on Linux). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return line ? Number(line[1]) / 1024 : NaN;
}

async function cannedNodes(): Promise<Record<string, unknown>> {
  const servers = await Promise.all([0, 1, 2].map(cannedNode));
  const nodes = servers.map((s, i) => ({
    id: `canned-${i}`,
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    group: '0',
  }));
  let gateway: RunningProcess | undefined;
  const env = {
    MIROIR_HTTP_ADDR: '127.0.0.1:0',
    MIROIR_MASTER_KEY: MASTER,
    MIROIR_ADMIN_API_KEY: 'bench-admin-key-0123456789',
    MIROIR_NODE_KEY: NODE_KEY,
    MIROIR_REDIS_URL: testRedisUrl(),
    MIROIR_NATS_URL: testNatsUrl(),
    MIROIR_KEY_PREFIX: uniquePrefix('bench'),
    MIROIR_SHARDS: '16',
    MIROIR_REPLICATION_FACTOR: '2',
    MIROIR_NODES: JSON.stringify(nodes),
  };
  try {
    gateway = await startProcess(builtApp('gateway'), [], env);
    const pid = gateway.child.pid!;
    const gw = client(gateway.listening.url, MASTER);
    try {
      await gw.call('POST', '/indexes', JSON.stringify({ uid: 'bench', primaryKey: 'id' }));
      const bodies = [
        '{"q":"river","limit":20}',
        '{"q":"river stone","limit":20}',
        '{"q":"light","limit":20,"offset":0}',
      ];
      await throughput(gw, '/indexes/bench/search', bodies, 1); // warm up (JIT, pools)
      const node0 = client(nodes[0]!.url, NODE_KEY);
      const sequence = Array.from(
        { length: LATENCY_QUERIES },
        (_, i) => bodies[i % bodies.length]!,
      );
      const [gwLat, nodeLat] = (await latencies(
        [gw, node0],
        '/indexes/bench/search',
        sequence,
        WARMUP,
      )) as [number[], number[]];
      await node0.close();
      let peakRss = 0;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 200);
      const searched0 = cannedSearches.reduce((a, b) => a + b, 0);
      const { qps, cpuPerSearch } = await cpuPerSearchOf(gw, pid, bodies);
      const fanout =
        (cannedSearches.reduce((a, b) => a + b, 0) - searched0) / (qps * (LOAD_SECONDS + 1));
      clearInterval(sampler);
      peakRss = Math.max(peakRss, rssMb(pid));
      const budget = await speedBudget(gw, pid, nodes, Math.round(fanout), sequence, bodies);
      const scaling = await clusterScaling(gw, env, bodies);

      // The gateway's own ingest capacity: nodes accept batches at once, so only parsing,
      // validation, routing and re-serialising per node are measured.
      const batches = batchesOf(generateCorpus(DOCUMENTS));
      const ingestStart = performance.now();
      for (const body of batches) await gw.call('POST', '/indexes/bench/documents', body);
      const cannedIngest = DOCUMENTS / ((performance.now() - ingestStart) / 1000);
      return {
        'canned nodes: gateway ingest capacity, RF 2 (docs/s)': Math.round(cannedIngest),
        [`canned nodes: searches/s, one gateway process, c=${CONCURRENCY} (target ≥ ${TARGETS.cannedSearchesPerSecond})`]:
          Math.round(qps),
        'canned nodes c=1: gateway p50 / p99 (ms)': `${round(percentile(gwLat, 50))} / ${round(percentile(gwLat, 99))}`,
        'canned nodes c=1: one canned node directly p50 / p99 (ms)': `${round(percentile(nodeLat, 50))} / ${round(percentile(nodeLat, 99))}`,
        [`canned nodes c=1: gateway's own added p50 (ms, target ≤ ${TARGETS.addedP50Ms})`]: round(
          percentile(gwLat, 50) - percentile(nodeLat, 50),
        ),
        [`canned nodes c=1: gateway's own added p99 (ms, target ≤ ${TARGETS.addedP99Ms})`]: round(
          percentile(gwLat, 99) - percentile(nodeLat, 99),
        ),
        'canned nodes: gateway CPU per search (µs)': Math.round(cpuPerSearch),
        'canned nodes: gateway CPU-bound ceiling (searches/s per core)': Math.round(
          1e6 / cpuPerSearch,
        ),
        [`canned nodes: gateway peak RSS under load (MB, target ≤ ${TARGETS.rssMb})`]: round(
          peakRss,
          1,
        ),
        ...budget,
        ...scaling,
      };
    } finally {
      await gw.close();
    }
  } finally {
    await gateway?.stop();
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/** Pids of a process's children (a cluster primary's workers), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

/**
 * Cluster mode (issue 15): searches/s at c=32 of a 2-worker gateway against the one-process one,
 * interleaved rounds in one run, and each worker's peak RSS under that load. The load generator
 * shares the machine's cores with both.
 */
async function clusterScaling(
  single: Client,
  env: Record<string, string>,
  bodies: string[],
): Promise<Record<string, unknown>> {
  const clustered = await startProcess(builtApp('gateway'), [], {
    ...env,
    MIROIR_GATEWAY_WORKERS: '2',
  });
  const two = client(clustered.listening.url, MASTER);
  const workers = childrenOf(clustered.child.pid!);
  let peakRss = 0;
  const sampler = setInterval(() => {
    for (const w of workers) peakRss = Math.max(peakRss, rssMb(w));
  }, 200);
  try {
    await throughput(two, '/indexes/bench/search', bodies, 1); // warm up both workers
    const qps = { one: [] as number[], two: [] as number[] };
    for (let round = 0; round < 3; round++) {
      qps.one.push(await throughput(single, '/indexes/bench/search', bodies, LOAD_SECONDS));
      qps.two.push(await throughput(two, '/indexes/bench/search', bodies, LOAD_SECONDS));
    }
    return {
      [`gateway cluster: searches/s c=${CONCURRENCY}, 2 workers / 1 process (target ≥ 1.8× given 2 free cores)`]: `${Math.round(median(qps.two))} / ${Math.round(median(qps.one))} = ${round(median(qps.two) / median(qps.one))}×`,
      [`gateway cluster: peak RSS per worker under load (MB, target ≤ ${TARGETS.rssMb})`]: round(
        peakRss,
        1,
      ),
      'gateway cluster: workers': workers.length,
    };
  } finally {
    clearInterval(sampler);
    await two.close();
    await clustered.stop();
  }
}

/** Searches/s at `CONCURRENCY` and the process's CPU µs per search over the same run. */
async function cpuPerSearchOf(c: Client, pid: number, bodies: string[]) {
  const cpu0 = cpuMicros(pid);
  const t0 = performance.now();
  const qps = await throughput(c, '/indexes/bench/search', bodies, LOAD_SECONDS + 1);
  const seconds = (performance.now() - t0) / 1000;
  return { qps, cpuPerSearch: (cpuMicros(pid) - cpu0) / (qps * seconds) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The speed budget (issue 15): the gateway against a bare Fastify + undici fan-out of the same
 * search to as many of the same canned nodes as the gateway's covering set asks (parse, merge by
 * score, strip; `bench/lib/bare-fanout.ts`), side by side: CPU per search and latency at c=1,
 * medians of interleaved rounds.
 */
async function speedBudget(
  gw: Client,
  gwPid: number,
  nodes: { url: string }[],
  fanout: number,
  sequence: string[],
  bodies: string[],
): Promise<Record<string, unknown>> {
  const main = fileURLToPath(new URL('./lib/bare-fanout.js', import.meta.url));
  const bare = await startProcess(main, [], {
    MIROIR_BARE_NODES: nodes
      .slice(0, Math.max(1, fanout))
      .map((n) => n.url)
      .join(','),
    MIROIR_BARE_NODE_KEY: NODE_KEY,
  });
  const baseline = client(bare.listening.url, MASTER);
  try {
    await throughput(baseline, '/indexes/bench/search', bodies, 1); // warm up
    const cpu = { gw: [] as number[], bare: [] as number[] };
    const p50 = { gw: [] as number[], bare: [] as number[] };
    const p99 = { gw: [] as number[], bare: [] as number[] };
    for (let round = 0; round < 3; round++) {
      cpu.gw.push((await cpuPerSearchOf(gw, gwPid, bodies)).cpuPerSearch);
      cpu.bare.push((await cpuPerSearchOf(baseline, bare.child.pid!, bodies)).cpuPerSearch);
      const [g, b] = (await latencies([gw, baseline], '/indexes/bench/search', sequence, 20)) as [
        number[],
        number[],
      ];
      p50.gw.push(percentile(g, 50));
      p50.bare.push(percentile(b, 50));
      p99.gw.push(percentile(g, 99));
      p99.bare.push(percentile(b, 99));
    }
    const ratio = (k: { gw: number[]; bare: number[] }) => round(median(k.gw) / median(k.bare));
    return {
      "speed budget: nodes per search (the gateway's covering set, the baseline's fan-out)": fanout,
      'speed budget: CPU per search, gateway / bare fan-out (µs; target ≤ 1.15×)': `${Math.round(median(cpu.gw))} / ${Math.round(median(cpu.bare))} = ${ratio(cpu)}×`,
      'speed budget c=1: p50, gateway / bare fan-out (ms; target ≤ 1.15×)': `${round(median(p50.gw))} / ${round(median(p50.bare))} = ${ratio(p50)}×`,
      'speed budget c=1: p99, gateway / bare fan-out (ms; target ≤ 1.15×)': `${round(median(p99.gw))} / ${round(median(p99.bare))} = ${ratio(p99)}×`,
    };
  } finally {
    await baseline.close();
    await bare.stop();
  }
}

export async function run(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const real = await realNodes();
  const canned = await cannedNodes();
  const direct = real['ingest, accepted (202): one node directly (docs/s)'] as number;
  const capacity = canned['canned nodes: gateway ingest capacity, RF 2 (docs/s)'] as number;
  return {
    ...real,
    ...canned,
    // On one 2-core machine the real-node ratio is bound by indexing twice (RF 2) on shared cores;
    // this one compares what the gateway alone can take with what one node indexes.
    [`ingest: gateway capacity / one node directly (target ≥ ${TARGETS.ingestRatio})`]: round(
      capacity / direct,
    ),
    'bench wall time (s)': round((performance.now() - started) / 1000, 1),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
