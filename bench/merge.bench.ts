// Merge benchmark: 3 nodes × 1000 hits with full ranking details, as the gateway receives them.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Hit, SearchReply } from '#lib/node-client';
import { seededRandom } from '#lib/random';
import { mergeSearch, planSearch, type SearchContext } from '#lib/search';

const NODES = 3;
const PER_NODE = 1000;
const GENRES = ['drama', 'comedy', 'action', 'horror', 'romance', 'thriller', 'crime', 'family'];

function hitAt(rand: () => number, id: number, shard: number): Hit {
  const words = 1 + Math.floor(rand() * 3);
  const typo = Math.floor(rand() * 3);
  const proximity = Math.floor(rand() * 7);
  const attr = Math.floor(rand() * 21);
  const exact = Math.floor(rand() * 3);
  return {
    id,
    title: `title ${id} river stone light`,
    overview: `an overview of document ${id} about a hidden dragon and a silver castle`,
    genre: GENRES[id % GENRES.length],
    year: 1950 + (id % 70),
    _miroir_shard: shard,
    _rankingScore: (words / 3) * ((3 - typo) / 3),
    _rankingScoreDetails: {
      words: { order: 0, matchingWords: words, maxMatchingWords: 3, score: words / 3 },
      typo: { order: 1, typoCount: typo, maxTypoCount: 3, score: (4 - typo) / 4 },
      proximity: { order: 2, score: (7 - proximity) / 7 },
      attribute: {
        order: 3,
        attributeRankingOrderScore: 1,
        queryWordDistanceScore: (21 - attr) / 21,
        score: (21 - attr) / 21,
      },
      exactness: {
        order: 4,
        matchType: 'noExactMatch',
        matchingWords: words,
        maxMatchingWords: 3,
        score: exact / 3,
      },
    },
  };
}

function nodeReplies(): SearchReply[] {
  const rand = seededRandom(42);
  const all = Array.from({ length: NODES * PER_NODE }, (_, i) => hitAt(rand, i, i % 64));
  // Each node's list in the global order, as a node sorts its own shards.
  const rank = (h: Hit) =>
    Object.values(h._rankingScoreDetails!)
      .sort((a, b) => a.order - b.order)
      .map((d) => d.score!);
  const cmp = (a: Hit, b: Hit) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
    return (a.id as number) - (b.id as number);
  };
  return Array.from({ length: NODES }, (_, n) => ({
    hits: all.filter((_, i) => i % NODES === n).sort(cmp),
    query: 'river stone',
    processingTimeMs: 3,
    estimatedTotalHits: 4000,
    facetDistribution: { genre: Object.fromEntries(GENRES.map((g, i) => [g, 100 + i * n])) },
  }));
}

const context: SearchContext = {
  indexUid: 'movies',
  nodeUid: 'movies',
  shards: 64,
  covering: {
    requests: Array.from({ length: NODES }, (_, n) => ({
      nodeId: `meili-${n}`,
      group: '0',
      shards: Array.from({ length: 64 }, (_, s) => s).filter((s) => s % NODES === n),
    })),
    uncovered: [],
  },
  unavailableShardPolicy: 'partial',
  settings: {
    primaryKey: 'id',
    rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
    distinctAttribute: null,
    maxTotalHits: 1000,
    maxValuesPerFacet: 100,
    sortFacetValuesBy: { '*': 'alpha' },
    filterableAttributes: [],
    displayedAttributes: ['*'],
  },
};

function timeUs(fn: () => void, runs: number): { median: number; p99: number } {
  for (let i = 0; i < 50; i++) fn(); // warm up the JIT
  const us: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    us.push((performance.now() - t0) * 1000);
  }
  us.sort((a, b) => a - b);
  return { median: round(us[Math.floor(runs / 2)]!), p99: round(us[Math.floor(runs * 0.99)]!) };
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function run(): Promise<Record<string, unknown>> {
  const replies = nodeReplies();
  const bodies = replies.map((r) => JSON.stringify(r));
  const full = planSearch({ q: 'river stone', limit: 1000, facets: ['genre'] }, context);
  const deep = planSearch({ q: 'river stone', offset: 980, limit: 20 }, context);
  const first = planSearch({ q: 'river stone', limit: 20 }, context);
  const parsed = () => bodies.map((b) => JSON.parse(b) as SearchReply);

  const parse = timeUs(() => void parsed(), 200);
  const mergeFull = timeUs(() => void mergeSearch(full, replies), 200);
  const mergeDeep = timeUs(() => void mergeSearch(deep, replies), 200);
  const mergeFirst = timeUs(
    () =>
      void mergeSearch(
        first,
        replies.map((r) => ({ ...r, hits: r.hits.slice(0, 20) })),
      ),
    200,
  );
  return {
    'merge 3 × 1000 hits into a page of 1000 (µs, median)': mergeFull.median,
    'merge 3 × 1000 hits into a page of 1000 (µs, p99)': mergeFull.p99,
    'merge 3 × 1000 hits, page offset 980 limit 20 (µs, median)': mergeDeep.median,
    'merge 3 × 20 hits, first page of 20 (µs, median)': mergeFirst.median,
    'merge target (µs)': 1000,
    'JSON.parse of the 3 node bodies (µs, median)': parse.median,
    'node body size (bytes, each)': bodies[0]!.length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
