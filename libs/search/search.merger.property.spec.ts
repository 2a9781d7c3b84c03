import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Hit, SearchReply } from '#lib/node-client';
import { mergeFacetDistributions, mergeSearch, planSearch } from '#lib/search';
import { searchContext } from './search-fixtures.js';

/**
 * Merging what each shard's node returns must give what one node holding everything returns, for
 * any spread of hits over nodes: same hits in the same order, same totals, same facets.
 */

const SHARDS = 6;
const SORT_RULES = ['price:asc', 'title:desc'] as const;

interface Doc {
  id: number | string;
  shard: number;
  words: number;
  typo: number;
  sortValue: number | string | null;
  genre: string;
  price: number;
}

const docArb = fc.record({
  shard: fc.integer({ min: 0, max: SHARDS - 1 }),
  // Few distinct values, so ties at every level are common.
  words: fc.constantFrom(0.5, 0.75, 1),
  typo: fc.constantFrom(0.5, 1),
  sortValue: fc.oneof(
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('a', 'B', 'é', 'z'),
    fc.constant(null),
  ),
  genre: fc.constantFrom('drama', 'Drama', 'sf', 'noir', 'doc'),
  price: fc.integer({ min: -5, max: 50 }),
});

const corpusArb = fc
  .tuple(fc.array(docArb, { maxLength: 90 }), fc.boolean())
  .map(([docs, stringIds]) =>
    docs.map((d, i): Doc => ({ ...d, id: stringIds ? `d${(i * 7919) % 1000}-${i}` : i * 3 })),
  );

function toHit(d: Doc, sortRule: string): Hit {
  return {
    id: d.id,
    genre: d.genre,
    _miroir_shard: d.shard,
    _rankingScore: d.words * d.typo,
    _rankingScoreDetails: {
      words: { order: 0, matchingWords: 1, maxMatchingWords: 1, score: d.words },
      [sortRule]: { order: 1, value: d.sortValue },
      typo: { order: 2, typoCount: 0, maxTypoCount: 1, score: d.typo },
    },
  };
}

/** Reference order written from the spec, independent of the merger's code. */
function referenceCompare(sortRule: string) {
  const dir = sortRule.endsWith(':asc') ? 1 : -1;
  const cls = (v: unknown) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  return (a: Doc, b: Doc): number => {
    if (a.words !== b.words) return b.words - a.words;
    if (cls(a.sortValue) !== cls(b.sortValue)) return cls(a.sortValue) - cls(b.sortValue);
    if (
      typeof a.sortValue === 'number' &&
      typeof b.sortValue === 'number' &&
      a.sortValue !== b.sortValue
    ) {
      return (a.sortValue - b.sortValue) * dir;
    }
    if (
      typeof a.sortValue === 'string' &&
      typeof b.sortValue === 'string' &&
      a.sortValue !== b.sortValue
    ) {
      return Buffer.compare(bytes(a.sortValue), bytes(b.sortValue)) * dir;
    }
    if (a.typo !== b.typo) return b.typo - a.typo;
    if (typeof a.id === 'number' && typeof b.id === 'number') return a.id - b.id;
    return Buffer.compare(bytes(String(a.id)), bytes(String(b.id)));
  };
}

function facets(docs: Doc[]) {
  const genre: Record<string, number> = {};
  for (const d of docs) genre[d.genre] = (genre[d.genre] ?? 0) + 1;
  return { genre };
}

/** Runs a client query over `nodes` nodes (shards dealt by `owner`), as the nodes would answer. */
function runSharded(
  docs: Doc[],
  owner: number[],
  nodes: number,
  sortRule: string,
  query: Record<string, unknown>,
) {
  const covering = {
    requests: Array.from({ length: nodes }, (_, n) => ({
      nodeId: `meili-${n}`,
      group: '0',
      shards: owner.flatMap((o, s) => (o === n ? [s] : [])),
    })).filter((r) => r.shards.length > 0),
    uncovered: [],
  };
  const plan = planSearch(
    query,
    searchContext({ shards: SHARDS, covering, settings: { maxTotalHits: 60 } }),
  );
  const compare = referenceCompare(sortRule);
  const replies: SearchReply[] = plan.requests.map((r) => {
    const mine = docs.filter((d) => r.shards.includes(d.shard)).sort(compare);
    const upTo = (r.body.limit ?? r.body.hitsPerPage) as number;
    return {
      hits: mine.slice(0, upTo).map((d) => toHit(d, sortRule)),
      query: '',
      processingTimeMs: 1,
      estimatedTotalHits: Math.min(mine.length, 60),
      totalHits: Math.min(mine.length, 60),
      facetDistribution: facets(mine),
    };
  });
  return mergeSearch(plan, replies);
}

const layoutArb = fc.record({
  docs: corpusArb,
  nodes: fc.integer({ min: 1, max: 4 }),
  owner: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: SHARDS, maxLength: SHARDS }),
  sortRule: fc.constantFrom(...SORT_RULES),
});

describe('mergeSearch equals one node holding everything', () => {
  it('same hits in the same order, same totals and facets, for any page', () => {
    fc.assert(
      fc.property(
        layoutArb,
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 30 }),
        ({ docs, nodes, owner, sortRule }, offset, limit) => {
          const spread = owner.map((o) => o % nodes);
          const merged = runSharded(docs, spread, nodes, sortRule, {
            q: 'x',
            offset,
            limit,
            facets: ['genre'],
          });
          const all = [...docs].sort(referenceCompare(sortRule));
          const start = Math.min(offset, 60);
          const expected = all.slice(start, Math.min(start + limit, 60)).map((d) => d.id);
          expect(merged.hits.map((h) => h.id)).toEqual(expected);
          expect(merged.estimatedTotalHits).toBe(Math.min(docs.length, 60));
          expect(merged.offset).toBe(start);
          expect(merged.limit).toBe(limit);
          expect(merged.facetDistribution).toEqual(
            mergeFacetDistributions([facets(docs)], 100, { '*': 'alpha' }),
          );
          for (const h of merged.hits) {
            expect(Object.keys(h).sort()).toEqual(['genre', 'id']);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('five pages of 10 equal one page of 50, in offset and page mode', () => {
    fc.assert(
      fc.property(layoutArb, ({ docs, nodes, owner, sortRule }) => {
        const spread = owner.map((o) => o % nodes);
        const run = (q: Record<string, unknown>) =>
          runSharded(docs, spread, nodes, sortRule, { q: 'x', ...q });
        const big = run({ offset: 0, limit: 50 }).hits.map((h) => h.id);
        const pages = [0, 1, 2, 3, 4].flatMap((p) =>
          run({ offset: p * 10, limit: 10 }).hits.map((h) => h.id),
        );
        const numbered = [1, 2, 3, 4, 5].flatMap((p) =>
          run({ page: p, hitsPerPage: 10 }).hits.map((h) => h.id),
        );
        expect(pages).toEqual(big);
        expect(numbered).toEqual(big);
        const paged = run({ page: 2, hitsPerPage: 7 });
        expect(paged.totalHits).toBe(Math.min(docs.length, 60));
        expect(paged.totalPages).toBe(Math.ceil(Math.min(docs.length, 60) / 7));
      }),
      { numRuns: 200 },
    );
  });
});
