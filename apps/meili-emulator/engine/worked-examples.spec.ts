import { describe, expect, it } from '@jest/globals';
import { applySettingsPatch, DEFAULT_SETTINGS, IndexEngine } from './index.js';

const BATMAN = [
  { id: 'A', title: 'Batman the dark knight returns: Part 1' },
  { id: 'B', title: 'Batman the dark knight returns: Part 2' },
  { id: 'C', title: 'Batman Returns' },
  { id: 'D', title: 'Batman' },
  { id: 'E', title: 'Badman' },
];

function engineWith(docs: Array<Record<string, unknown>>, patch = {}): IndexEngine {
  const engine = new IndexEngine(applySettingsPatch(DEFAULT_SETTINGS, patch));
  engine.upsert(
    docs.map((doc) => ({ id: String(doc.id), doc })),
    'replace',
  );
  return engine;
}

type Hit = {
  id: string;
  _rankingScore: number;
  _rankingScoreDetails: Record<string, Record<string, unknown>>;
};

function search(
  engine: IndexEngine,
  params: Record<string, unknown>,
): { hits: Hit[]; estimatedTotalHits?: number } {
  return engine.search({
    showRankingScore: true,
    showRankingScoreDetails: true,
    ...params,
  }) as never;
}

function expectScores(hits: Hit[], expected: Array<[string, number]>): void {
  expect(hits.map((h) => h.id)).toEqual(expected.map(([id]) => id));
  hits.forEach((h, i) => expect(Math.abs(h._rankingScore - expected[i]![1])).toBeLessThan(1e-12));
}

describe('emulator.md §4.8 worked examples', () => {
  it('ranks "Badman the dark knight returns 1"', () => {
    const { hits } = search(engineWith(BATMAN), { q: 'Badman the dark knight returns 1' });
    expectScores(hits, [
      ['A', 0.9746605609456898],
      ['B', 0.8055252965383685],
      ['E', 0.16666666666666666],
      ['C', 0.07702020202020202],
      ['D', 0.07702020202020202],
    ]);
    const a = hits[0]!._rankingScoreDetails;
    expect(a.words).toEqual({ order: 0, matchingWords: 6, maxMatchingWords: 6, score: 1 });
    expect(a.typo).toEqual({ order: 1, typoCount: 1, maxTypoCount: 6, score: 6 / 7 });
    expect(a.attribute).toMatchObject({
      order: 3,
      attributeRankingOrderScore: 1,
      queryWordDistanceScore: 60 / 61,
    });
    expect(a.exactness).toMatchObject({
      order: 4,
      matchType: 'noExactMatch',
      matchingWords: 5,
      maxMatchingWords: 6,
    });
  });

  it('applies rankingScoreThreshold to hits and totals', () => {
    const engine = engineWith(BATMAN);
    const strict = search(engine, { q: 'Badman dark returns 1', rankingScoreThreshold: 0.2 });
    expectScores(strict.hits, [
      ['A', 0.9343008130081301],
      ['B', 0.6685627880184332],
      ['E', 0.25],
    ]);
    expect(strict.estimatedTotalHits).toBe(3);
    const all = search(engine, { q: 'Badman dark returns 1', rankingScoreThreshold: 0 });
    expect(all.estimatedTotalHits).toBe(5);
    expect(all.hits[3]!._rankingScore).toBeCloseTo(0.11553030303030302, 12);
    expect(all.hits[4]!._rankingScore).toBeCloseTo(0.11553030303030302, 12);
  });

  it('scores "train dragon" with its details', () => {
    const doc = {
      title: 'How to Train Your Dragon: The Hidden World',
      id: '166428',
      color: ['green', 'red'],
    };
    const { hits } = search(engineWith([doc]), { q: 'train dragon' });
    expect(hits[0]!._rankingScoreDetails).toEqual({
      words: { order: 0, matchingWords: 2, maxMatchingWords: 2, score: 1 },
      typo: { order: 1, typoCount: 0, maxTypoCount: 2, score: 1 },
      proximity: { order: 2, score: 0.75 },
      attribute: {
        order: 3,
        attributeRankingOrderScore: 1,
        queryWordDistanceScore: 0.8095238095238095,
        score: 0.8095238095238095,
      },
      exactness: {
        order: 4,
        matchType: 'noExactMatch',
        matchingWords: 2,
        maxMatchingWords: 2,
        score: 0.3333333333333333,
      },
    });
    expect(Math.abs(hits[0]!._rankingScore - 4305 / 4536)).toBeLessThan(1e-12);
  });

  it('matches "pésti" exactly and as a prefix in an array', () => {
    const { hits } = search(
      engineWith([
        { id: '1', cattos: 'pésti' },
        { id: '2', cattos: ['simba', 'pestiféré'] },
      ]),
      { q: 'pésti' },
    );
    expectScores(hits, [
      ['1', 1],
      ['2', 0.7803030303030303],
    ]);
    expect(hits[0]!._rankingScoreDetails.exactness).toEqual({
      order: 4,
      matchType: 'exactMatch',
      score: 1,
    });
  });

  it('weights explicit searchable attributes', () => {
    const docs = [
      { id: 'X', title: 'Dune', overview: 'A desert planet' },
      { id: 'Y', title: 'Arrakis', overview: 'Dune sequel' },
    ];
    const explicit = search(engineWith(docs, { searchableAttributes: ['title', 'overview'] }), {
      q: 'dune',
    });
    expectScores(explicit.hits, [
      ['X', 1],
      ['Y', 0.7424242424242424],
    ]);
    expect(explicit.hits[1]!._rankingScoreDetails.exactness).toMatchObject({
      matchType: 'matchesStart',
    });
    const star = search(engineWith(docs), { q: 'dune' });
    expect(star.hits.find((h) => h.id === 'Y')!._rankingScore).toBeCloseTo(0.9848484848484849, 12);
  });
});
