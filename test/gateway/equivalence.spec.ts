/**
 * Acceptance 2: the same generated corpus in one plain node and, through the gateway, in 3 nodes
 * (RF 2, S 16) with the same settings; hundreds of generated queries must give the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { builtApp, startProcess, type RunningProcess } from '#lib/testing';
import { compareSearch, type SearchAnswer } from './support/compare-search.js';
import { CORPUS_SETTINGS, generateCorpus } from './support/corpus.js';
import { jsonOf, startGatewayStack, type GatewayStack } from './support/gateway-stack.js';
import { generateQueries } from './support/queries.js';

const DOCUMENTS = 5_000;
const QUERIES = 320;
const BATCH = 1_000;
const NODE_KEY = 'reference-node-key';
const INDEX = 'corpus';

/**
 * Inherent, and only under `distinct`: each node applies distinct within its own shards, so a
 * value held by several shards is counted once per shard (totals, facet counts) and each node
 * picks its own representative document (facet stats). The hits themselves must still be exact:
 * a value's best document is in its node's window, so the merge rebuilds the global page.
 */
const INHERENT_UNDER_DISTINCT = [
  'estimatedTotalHits',
  'totalHits',
  'totalPages',
  'facetDistribution',
  'facetStats',
];

let g: GatewayStack;
let reference: RunningProcess;
let refUrl: string;

const refCall = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${refUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${NODE_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return jsonOf(res);
};

beforeAll(async () => {
  [g, reference] = await Promise.all([
    startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 16 }),
    startProcess(
      builtApp('meili-emulator'),
      ['--http-addr', '127.0.0.1:0', '--master-key', NODE_KEY],
      {},
    ),
  ]);
  refUrl = reference.listening.url;
  const corpus = generateCorpus(DOCUMENTS, 20_251_121);

  const created = await g.client.createIndex(INDEX, { primaryKey: 'id' });
  await g.waitWrite(created);
  await g.waitWrite(await g.client.index(INDEX).updateSettings(CORPUS_SETTINGS as never));
  expect((await refCall('POST', '/indexes', { uid: INDEX, primaryKey: 'id' })).status).toBe(202);
  expect((await refCall('PATCH', `/indexes/${INDEX}/settings`, CORPUS_SETTINGS)).status).toBe(202);

  let last = created;
  for (let i = 0; i < DOCUMENTS; i += BATCH) {
    const batch = corpus.slice(i, i + BATCH);
    last = await g.client.index(INDEX).addDocuments(batch);
    expect((await refCall('POST', `/indexes/${INDEX}/documents`, batch)).status).toBe(202);
  }
  await g.waitWrite(last);
  const idle = await fetch(`${refUrl}/_emulator/tasks/idle?timeoutMs=60000`);
  expect(idle.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await Promise.all([g?.stop(), reference?.stop()]);
});

/** Runs `work` over `items` with at most `concurrency` in flight, results in input order. */
async function pool<T, R>(
  items: T[],
  concurrency: number,
  work: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!);
      }
    }),
  );
  return out;
}

describe('equivalence: gateway over 3 nodes (RF 2, S 16) vs one node', () => {
  it('holds the whole corpus once', async () => {
    const stats = await g.client.index(INDEX).getStats();
    expect(stats.numberOfDocuments).toBe(DOCUMENTS);
    expect((await refCall('GET', `/indexes/${INDEX}/stats`)).body.numberOfDocuments).toBe(
      DOCUMENTS,
    );
    const gwSettings = await g.client.index(INDEX).getSettings();
    const refSettings = (await refCall('GET', `/indexes/${INDEX}/settings`)).body;
    expect(gwSettings).toEqual(refSettings);
  });

  it(`answers ${QUERIES} generated queries as one node does`, async () => {
    const queries = generateQueries(QUERIES, 77);
    const mismatches = await pool(queries, 4, async (query) => {
      const body = { ...query, showRankingScoreDetails: true };
      const [gw, ref] = await Promise.all([
        jsonOf(
          await g.gateway(`/indexes/${INDEX}/search`, {
            method: 'POST',
            body: JSON.stringify(body),
          }),
        ),
        refCall('POST', `/indexes/${INDEX}/search`, body),
      ]);
      if (gw.status !== ref.status || gw.status !== 200) {
        return gw.status === ref.status && JSON.stringify(gw.body) === JSON.stringify(ref.body)
          ? null
          : {
              query,
              problems: [
                `status ${gw.status} ${JSON.stringify(gw.body)} vs ${ref.status} ${JSON.stringify(ref.body)}`,
              ],
            };
      }
      const size = (query.hitsPerPage ?? query.limit ?? 20) as number;
      const problems = compareSearch(gw.body as SearchAnswer, ref.body as SearchAnswer, {
        cutAtStart: Number(query.offset ?? 0) > 0 || Number(query.page ?? 1) > 1,
        // A page ends inside a run when it is full, or when maxTotalHits (1,000) cuts it.
        cutAtEnd:
          (ref.body as SearchAnswer).hits.length === size ||
          Number(query.offset ?? 0) + size >= 1000,
        ignore: query.distinct ? INHERENT_UNDER_DISTINCT : [],
      });
      return problems.length ? { query, problems } : null;
    });
    const failed = mismatches.filter((m) => m !== null);
    const report = failed.map((m) => `${JSON.stringify(m.query)}\n  ${m.problems.join('\n  ')}`);
    expect(report).toEqual([]);
    // The deep windows went through two-phase search (keys first, then the page).
    const metrics = await (await g.gateway('/metrics')).text();
    const paged = /miroir_two_phase_searches_total\{outcome="paged"\} (\d+)/.exec(metrics);
    expect(Number(paged?.[1] ?? 0)).toBeGreaterThan(10);
  }, 120_000);
});
