/**
 * Acceptance 2: the same generated corpus in one plain node and, through the gateway, in 3 nodes
 * (RF 2, S 16) with the same settings; hundreds of generated queries must give the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { between, pick, seededRandom } from '#lib/random';
import { builtApp, startProcess, type RunningProcess } from '#lib/testing';
import { compareSearch, type SearchAnswer } from './support/compare-search.js';
import { COUNTRIES, CORPUS_SETTINGS, GENRES, WORDS, generateCorpus } from './support/corpus.js';
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

  it('pages through a placeholder search showing each document exactly once', async () => {
    // Every document ties: one node orders them by internal id, Miroir by primary key; either
    // way no page may repeat or skip one (the same copies answer every page of one query).
    const filter = `year >= 2012 AND genres = ${GENRES[0]}`;
    const all = (await refCall('POST', `/indexes/${INDEX}/search`, { filter, limit: 1000 })).body;
    const expected = (all.hits as { id: number }[]).map((h) => h.id).sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(60);
    expect(expected.length).toBeLessThan(1000);
    const seen: number[] = [];
    for (let offset = 0; offset < expected.length; offset += 17) {
      const page = await g.client.index(INDEX).search('', { filter, offset, limit: 17 });
      seen.push(...page.hits.map((h) => h.id as number));
    }
    expect(seen.length).toBe(expected.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(expected);
  });

  it('answers facet searches as one node does', async () => {
    const random = seededRandom(4242);
    const problems: string[] = [];
    for (let i = 0; i < 40; i++) {
      const facetName = pick(random, ['genres', 'author.country']);
      const values = facetName === 'genres' ? GENRES : COUNTRIES;
      const body: Record<string, unknown> = { facetName };
      if (random() < 0.7) body.facetQuery = pick(random, values).slice(0, between(random, 1, 3));
      if (random() < 0.5) body.q = pick(random, WORDS);
      if (random() < 0.4) body.filter = `year >= ${between(random, 1960, 2015)}`;
      const [gw, ref] = await Promise.all([
        jsonOf(
          await g.gateway(`/indexes/${INDEX}/facet-search`, {
            method: 'POST',
            body: JSON.stringify(body),
          }),
        ),
        refCall('POST', `/indexes/${INDEX}/facet-search`, body),
      ]);
      const strip = (b: Record<string, unknown>) => ({ ...b, processingTimeMs: 0 });
      if (
        gw.status !== ref.status ||
        JSON.stringify(strip(gw.body)) !== JSON.stringify(strip(ref.body))
      )
        problems.push(
          `${JSON.stringify(body)}: ${JSON.stringify(gw.body)} vs ${JSON.stringify(ref.body)}`,
        );
    }
    expect(problems).toEqual([]);
  });

  it('answers federated multi-searches as one node does', async () => {
    const random = seededRandom(777);
    const problems: string[] = [];
    for (let i = 0; i < 40; i++) {
      const query = (): Record<string, unknown> => ({
        indexUid: INDEX,
        q: random() < 0.2 ? '' : pick(random, WORDS),
        showRankingScoreDetails: true,
        ...(random() < 0.4 ? { filter: `genres = ${pick(random, GENRES)}` } : {}),
        ...(random() < 0.3 ? { sort: ['year:desc'] } : {}),
        ...(random() < 0.5 ? { federationOptions: { weight: pick(random, [0.5, 0.9, 1.2]) } } : {}),
      });
      const limit = pick(random, [5, 20]);
      const offset = pick(random, [0, 0, 7, 30]);
      const body = {
        federation: { limit, offset },
        queries: Array.from({ length: between(random, 2, 3) }, query),
      };
      const [gw, ref] = await Promise.all([
        jsonOf(await g.gateway('/multi-search', { method: 'POST', body: JSON.stringify(body) })),
        refCall('POST', '/multi-search', body),
      ]);
      if (gw.status !== 200 || ref.status !== 200) {
        problems.push(`${JSON.stringify(body)}: status ${gw.status} vs ${ref.status}`);
        continue;
      }
      const found = compareSearch(gw.body as SearchAnswer, ref.body as SearchAnswer, {
        cutAtStart: offset > 0,
        cutAtEnd: (ref.body as SearchAnswer).hits.length === limit,
        ignore: ['requestUid'],
      });
      if (found.length) problems.push(`${JSON.stringify(body)}\n  ${found.join('\n  ')}`);
    }
    expect(problems).toEqual([]);
  });

  // docs learn/filtering_and_sorting/geosearch (`_geoRadius`, `_geoBoundingBox`, `_geoPoint` sort,
  // `_geoDistance`); milli search/new/sort.rs `Sort::must_redact` (a sort on a field that is not
  // displayed shows as `<hidden-rule-N>` with the value `<hidden>`).
  it('answers geo filters, geo sorts and sorts on hidden fields as one node does', async () => {
    const uid = 'places';
    const settings = {
      filterableAttributes: ['_geo', 'genres'],
      sortableAttributes: ['_geo', 'price', 'year'],
      displayedAttributes: ['id', 'title', 'year', '_geo'],
      searchableAttributes: ['title', 'overview'],
    };
    const random = seededRandom(99);
    const docs = generateCorpus(1500, 555).map((d, i) => ({
      ...d,
      // About Europe, 1 in 10 without a location.
      ...(i % 10 === 0 ? {} : { _geo: { lat: 40 + random() * 15, lng: -5 + random() * 20 } }),
    }));
    const created = await g.client.createIndex(uid, { primaryKey: 'id' });
    await g.waitWrite(created);
    await g.waitWrite(await g.client.index(uid).updateSettings(settings as never));
    await g.waitWrite(await g.client.index(uid).addDocuments(docs));
    expect((await refCall('POST', '/indexes', { uid, primaryKey: 'id' })).status).toBe(202);
    expect((await refCall('PATCH', `/indexes/${uid}/settings`, settings)).status).toBe(202);
    expect((await refCall('POST', `/indexes/${uid}/documents`, docs)).status).toBe(202);
    expect((await fetch(`${refUrl}/_emulator/tasks/idle?timeoutMs=60000`)).status).toBe(200);

    const point = () =>
      `${between(random, 41, 54)}.${between(random, 0, 9)}, ${between(random, 0, 14)}.5`;
    const problems: string[] = [];
    for (let i = 0; i < 60; i++) {
      const query: Record<string, unknown> = {
        q: random() < 0.5 ? '' : pick(random, WORDS),
        showRankingScoreDetails: true,
        sort: [
          pick(random, [
            `_geoPoint(${point()}):asc`,
            `_geoPoint(${point()}):desc`,
            'price:desc',
            'price:asc',
          ]),
        ],
        limit: pick(random, [5, 20]),
        offset: pick(random, [0, 0, 10, 150]),
      };
      if (random() < 0.5) {
        query.filter = pick(random, [
          `_geoRadius(${point()}, ${between(random, 100, 800)}000)`,
          `_geoBoundingBox([${between(random, 48, 54)}, ${between(random, 8, 14)}], [${between(random, 40, 47)}, ${between(random, -4, 6)}])`,
          `genres = ${pick(random, GENRES)}`,
        ]);
      }
      const [gw, ref] = await Promise.all([
        jsonOf(
          await g.gateway(`/indexes/${uid}/search`, {
            method: 'POST',
            body: JSON.stringify(query),
          }),
        ),
        refCall('POST', `/indexes/${uid}/search`, query),
      ]);
      if (gw.status !== 200 || ref.status !== 200) {
        problems.push(
          `${JSON.stringify(query)}: ${gw.status} ${JSON.stringify(gw.body)} vs ${ref.status}`,
        );
        continue;
      }
      const found = compareSearch(gw.body as SearchAnswer, ref.body as SearchAnswer, {
        cutAtStart: Number(query.offset) > 0,
        cutAtEnd: (ref.body as SearchAnswer).hits.length === query.limit,
      });
      if (found.length) problems.push(`${JSON.stringify(query)}\n  ${found.join('\n  ')}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
