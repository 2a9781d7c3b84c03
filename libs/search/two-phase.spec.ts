import { describe, expect, it } from '@jest/globals';
import type { Hit, SearchReply } from '#lib/node-client';
import {
  mergeSearch,
  planSearch,
  planSecondPhase,
  planTwoPhase,
  secondPhaseHits,
} from '#lib/search';
import { searchContext } from './search-fixtures.js';

const reply = (hits: Hit[]): SearchReply => ({
  hits,
  query: '',
  processingTimeMs: 1,
  estimatedTotalHits: hits.length,
});

/** A hit whose only ranking rule is a descending sort on `rank` (higher first). */
const ranked = (id: number, rank: number, extra: Record<string, unknown> = {}): Hit => ({
  id,
  ...extra,
  _rankingScore: 1,
  _rankingScoreDetails: { 'rank:desc': { order: 0, value: rank } },
});

const context = (distinct?: string) =>
  searchContext({
    settings: { primaryKey: 'id', ...(distinct ? { distinctAttribute: distinct } : {}) },
  });

describe('two-phase search', () => {
  it('is used only for pages starting past the threshold, over several nodes, with a primary key', () => {
    const deep = planSearch({ q: 'x', offset: 150, limit: 20 }, context());
    expect(planTwoPhase(deep, 100)).not.toBeNull();
    expect(planTwoPhase(deep, 0)).toBeNull(); // disabled
    expect(planTwoPhase(planSearch({ q: 'x', limit: 20 }, context()), 100)).toBeNull();
    // A big page near the top: the page is most of the window, one phase is cheaper.
    expect(planTwoPhase(planSearch({ q: 'x', offset: 0, limit: 1000 }, context()), 100)).toBeNull();
    const noKey = planSearch(
      { q: 'x', offset: 150 },
      searchContext({ settings: { primaryKey: '' } }),
    );
    expect(planTwoPhase(noKey, 100)).toBeNull();
  });

  it('asks phase one for the keys and the distinct value only, without formatting', () => {
    const plan = planSearch(
      {
        q: 'x',
        offset: 200,
        attributesToHighlight: ['title'],
        attributesToCrop: ['overview'],
        showMatchesPosition: true,
        facets: ['genre'],
      },
      context('family'),
    );
    const two = planTwoPhase(plan, 100)!;
    for (const r of two.first.requests) {
      expect(r.body.attributesToRetrieve).toEqual(['id', 'family']);
      expect(r.body).not.toHaveProperty('attributesToHighlight');
      expect(r.body).not.toHaveProperty('attributesToCrop');
      expect(r.body).not.toHaveProperty('showMatchesPosition');
      expect(r.body.facets).toEqual(['genre']); // totals and facets come from phase one
      expect(r.body.filter).toEqual(plan.requests.find((p) => p.nodeId === r.nodeId)!.body.filter);
    }
  });

  it('asks each node again for the stretch of its list the page took, and pages in merged order', () => {
    // Global order by rank: 10 9 8 7 6 5 4 3; page = offset 2, limit 4 → ranks 8 7 6 5.
    const plan = planSearch({ q: 'x', offset: 2, limit: 4 }, context());
    const two = planTwoPhase(plan, 0.5)!;
    const first = [
      reply([ranked(1, 10), ranked(2, 8), ranked(3, 5)]),
      reply([ranked(4, 9), ranked(5, 7), ranked(6, 6)]),
      reply([ranked(7, 4), ranked(8, 3)]),
    ];
    const second = planSecondPhase(two, first);
    expect(second.requests.map((r) => [r.request, r.node.body.offset, r.node.body.limit])).toEqual([
      [0, 1, 2],
      [1, 1, 2],
    ]);
    expect(second.requests.every((r) => r.node.body.facets === undefined)).toBe(true);
    expect(second.page.map((p) => p.key)).toEqual(['2', '5', '6', '3']);

    const full = (id: number, rank: number) => ranked(id, rank, { title: `doc ${id}` });
    const fetched = [reply([full(2, 8), full(3, 5)]), reply([full(5, 7), full(6, 6)])];
    const hits = secondPhaseHits(two, second, fetched)!;
    const merged = mergeSearch(plan, first, 0, hits);
    expect(merged.hits.map((h) => h.title)).toEqual(['doc 2', 'doc 5', 'doc 6', 'doc 3']);
    expect(merged.estimatedTotalHits).toBe(8);
  });

  it('spans the hits distinct dropped inside a stretch, and skips them on the page', () => {
    const plan = planSearch({ q: 'x', offset: 1, limit: 3 }, context('family'));
    const two = planTwoPhase(plan, 0.5)!;
    const first = [
      reply([
        ranked(1, 10, { family: 'a' }),
        ranked(2, 8, { family: 'b' }),
        ranked(3, 7, { family: 'c' }),
      ]),
      reply([
        ranked(6, 11, { family: 'x' }),
        ranked(4, 9, { family: 'b' }),
        ranked(5, 1, { family: 'd' }),
      ]),
    ];
    const second = planSecondPhase(two, first);
    // Global: 6, 1, 4, (2 dropped: family b), 3, 5; offset 1 → 1, 4, 3.
    expect(second.page.map((p) => p.key)).toEqual(['1', '4', '3']);
    expect(second.requests.map((r) => [r.request, r.node.body.offset, r.node.body.limit])).toEqual([
      [0, 0, 3],
      [1, 1, 1],
    ]);
  });

  it('gives up when a copy changed between the phases (a key is missing)', () => {
    const plan = planSearch({ q: 'x', offset: 1, limit: 2 }, context());
    const two = planTwoPhase(plan, 0.5)!;
    const first = [reply([ranked(1, 10), ranked(2, 8)]), reply([ranked(3, 9)])];
    const second = planSecondPhase(two, first);
    const changed = second.requests.map((r) =>
      r.request === 0 ? reply([ranked(99, 8)]) : reply([ranked(3, 9)]),
    );
    expect(secondPhaseHits(two, second, changed)).toBeNull();
  });
});
