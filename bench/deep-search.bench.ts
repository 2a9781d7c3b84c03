/**
 * Deep windows, side by side in one run: the same 20,000 documents in one node and, through the
 * gateway, in 3 nodes (RF 2, S 16); two gateway processes over the same nodes, one with the default
 * configuration (pages starting past offset 100 in two phases: keys first, then the page) and one
 * with two-phase search off (every node returns every document of the window). Shapes: a window at offset 10,000 (limit 20) and a 1,000-hit page,
 * each asked of the three sides in turn (interleaved, so drift hits all alike); p50 and p99.
 */
import { builtApp, startProcess, startStack } from '#lib/testing';
import { commonestWord, generateCorpus } from './lib/emulator-corpus.js';
import { benchClient, latencies, percentile, round, waitIdle } from './lib/http.js';

const DOCUMENTS = 20_000;
const BATCH = 5_000;
const ROUNDS = 24;
const WARMUP = 3;
const SEARCH = '/indexes/bench/search';
const MASTER = 'bench-master-key-0123456789';
const NODE_KEY = 'bench-node-key-0123456789';
const SETTINGS = {
  filterableAttributes: ['genre', 'year'],
  sortableAttributes: ['year', 'price'],
  pagination: { maxTotalHits: DOCUMENTS },
};

const client = (url: string, key: string) => benchClient(url, key, 4);

export async function run(): Promise<Record<string, unknown>> {
  const stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 16,
    reconciler: false,
    masterKey: MASTER,
  });
  const onePhaseGateway = await startProcess(builtApp('gateway'), [], {
    ...stack.env,
    MIROIR_TWO_PHASE_SEARCH_ABOVE: '0',
  });
  const direct = await startProcess(
    builtApp('meili-emulator'),
    ['--http-addr', '127.0.0.1:0', '--master-key', NODE_KEY],
    {},
  );
  const twoPhase = client(stack.gatewayUrl, MASTER);
  const onePhase = client(onePhaseGateway.listening.url, MASTER);
  const one = client(direct.listening.url, NODE_KEY);
  try {
    for (const c of [twoPhase, one]) {
      await c.call('POST', '/indexes', JSON.stringify({ uid: 'bench', primaryKey: 'id' }));
      await c.call('PATCH', '/indexes/bench/settings', JSON.stringify(SETTINGS));
    }
    const corpus = generateCorpus(DOCUMENTS);
    for (let i = 0; i < DOCUMENTS; i += BATCH) {
      const body = JSON.stringify(corpus.slice(i, i + BATCH));
      await twoPhase.call('POST', '/indexes/bench/documents', body);
      await one.call('POST', '/indexes/bench/documents', body);
    }
    await waitIdle([...stack.nodes.map((n) => n.url), direct.listening.url]);

    const word = commonestWord();
    const deep = [
      { q: '', offset: 10_000, limit: 20 },
      { q: '', offset: 10_000, limit: 20, sort: ['price:asc'] },
      { q: '', offset: 10_000, limit: 20, filter: 'year > 1960' },
    ];
    const page = [
      { q: '', limit: 1000 },
      { q: word, limit: 1000, attributesToHighlight: ['title'] },
      { q: '', limit: 1000, sort: ['year:desc'] },
    ];
    const rounds = (shapes: object[]) =>
      Array.from({ length: ROUNDS }, (_, i) => JSON.stringify(shapes[i % shapes.length]));
    const sides = [one, onePhase, twoPhase];
    const [deepOne, deepBefore, deepAfter] = await latencies(sides, SEARCH, rounds(deep), WARMUP);
    const [pageOne, pageBefore, pageAfter] = await latencies(sides, SEARCH, rounds(page), WARMUP);
    const p = (l: number[]) => `${round(percentile(l, 50))} / ${round(percentile(l, 99))}`;
    const ratio = (a: number[], b: number[]) => round(percentile(a, 50) / percentile(b, 50));
    return {
      'corpus (documents), maxTotalHits': `${DOCUMENTS}, ${DOCUMENTS}`,
      'offset 10,000 limit 20: one node p50 / p99 (ms)': p(deepOne!),
      'offset 10,000 limit 20: gateway, two-phase off p50 / p99 (ms)': p(deepBefore!),
      'offset 10,000 limit 20: gateway, default (two-phase past offset 100) p50 / p99 (ms)': p(
        deepAfter!,
      ),
      'offset 10,000: gateway/one node p50, two-phase off → default': `${ratio(deepBefore!, deepOne!)} → ${ratio(deepAfter!, deepOne!)}`,
      '1,000-hit page: one node p50 / p99 (ms)': p(pageOne!),
      '1,000-hit page: gateway, two-phase off p50 / p99 (ms)': p(pageBefore!),
      '1,000-hit page: gateway, default (two-phase past offset 100) p50 / p99 (ms)': p(pageAfter!),
      '1,000-hit page: gateway/one node p50, two-phase off → default': `${ratio(pageBefore!, pageOne!)} → ${ratio(pageAfter!, pageOne!)}`,
    };
  } finally {
    await Promise.all([twoPhase.close(), onePhase.close(), one.close()]);
    await Promise.all([stack.stop(), onePhaseGateway.stop(), direct.stop()]);
  }
}
