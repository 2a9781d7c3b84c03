/**
 * Emulator benchmark (emulator figures, not a real Meilisearch): indexing throughput of a generated
 * 100k-document corpus into one in-process emulator over HTTP, then search latency (sequential,
 * p50/p99) and throughput at concurrency 8 over a mixed query set.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../apps/meili-emulator/index.js';
import { commonestWord, generateCorpus, generateQueries } from './lib/emulator-corpus.js';

const DOCUMENTS = 100_000;
const BATCH = 10_000;
const QUERIES = 400;
const CONCURRENCY = 8;
const KEY = 'bench-master-key';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

export async function run(): Promise<Record<string, unknown>> {
  const node = await startEmulator({ masterKey: KEY, name: 'bench', requestLogSize: 0 });
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${node.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status >= 400)
      throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  try {
    await call('PATCH', '/indexes/bench/settings', {
      filterableAttributes: ['genre', 'year'],
      sortableAttributes: ['year', 'price'],
    });
    const corpus = generateCorpus(DOCUMENTS);
    const payloads = Array.from({ length: DOCUMENTS / BATCH }, (_, i) =>
      JSON.stringify(corpus.slice(i * BATCH, (i + 1) * BATCH)),
    );
    const indexStart = performance.now();
    const taskUids: number[] = [];
    for (const body of payloads) {
      const response = await fetch(`${node.url}/indexes/bench/documents?primaryKey=id`, {
        method: 'POST',
        headers,
        body,
      });
      taskUids.push(((await response.json()) as { taskUid: number }).taskUid);
    }
    const idle = await fetch(`${node.url}/_emulator/tasks/idle?timeoutMs=600000`);
    if (idle.status !== 200) throw new Error('indexing did not finish within 10 minutes');
    const indexMs = performance.now() - indexStart;
    const last = await call('GET', `/tasks/${taskUids.at(-1)}`);
    if (last.status !== 'succeeded')
      throw new Error(`indexing task failed: ${JSON.stringify(last.error)}`);

    const queries = generateQueries(QUERIES);
    const firstStart = performance.now();
    await call('POST', '/indexes/bench/search', queries[1]);
    const firstSearchMs = performance.now() - firstStart;
    for (const q of queries.slice(0, 40)) await call('POST', '/indexes/bench/search', q); // warm up
    const latencies: number[] = [];
    let hits = 0;
    for (const q of queries) {
      const t0 = performance.now();
      const result = await call('POST', '/indexes/bench/search', q);
      latencies.push(performance.now() - t0);
      hits += (result.hits as unknown[]).length;
    }
    latencies.sort((a, b) => a - b);
    const engineMs =
      queries.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0;

    // Worst case: the corpus's most common word, in a large share of the documents; every match
    // is ranked, so this measures ranking cost per matching document.
    const common = commonestWord();
    const commonTimes: number[] = [];
    const holds = (text: string) => text.split(' ').includes(common);
    const commonTotal = corpus.filter(
      (d) => holds(d.title) || holds(d.overview) || d.tags.includes(common),
    ).length;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await call('POST', '/indexes/bench/search', { q: common });
      commonTimes.push(performance.now() - t0);
    }
    commonTimes.sort((a, b) => a - b);

    let next = 0;
    const concurrentStart = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < queries.length * 2)
          await call('POST', '/indexes/bench/search', queries[next++ % queries.length]);
      }),
    );
    const concurrentSeconds = (performance.now() - concurrentStart) / 1000;

    return {
      'emulator: documents indexed': DOCUMENTS,
      'emulator: indexing throughput, 10 batches of 10k over HTTP (docs/s)': Math.round(
        DOCUMENTS / (indexMs / 1000),
      ),
      'emulator: indexing wall time (s)': round(indexMs / 1000),
      'emulator: first search after indexing (ms)': round(firstSearchMs),
      'emulator: mixed queries (sequential)': queries.length,
      'emulator: search latency p50 (ms)': round(percentile(latencies, 50)),
      'emulator: search latency p99 (ms)': round(percentile(latencies, 99)),
      'emulator: search latency mean (ms)': round(engineMs),
      'emulator: mean hits per query': round(hits / queries.length),
      'emulator: commonest word, documents matching': commonTotal,
      'emulator: commonest word, search p50 (ms)': round(percentile(commonTimes, 50)),
      [`emulator: searches/s at concurrency ${CONCURRENCY}`]: Math.round(
        (queries.length * 2) / concurrentSeconds,
      ),
    };
  } finally {
    await node.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
