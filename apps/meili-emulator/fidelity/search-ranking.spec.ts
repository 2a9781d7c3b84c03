/** Ranking scores and details (emulator.md §4.5, §4.6, §4.8): every worked example, within 1e-12. */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { Api, scenario, startTarget, type Target } from './harness.js';

let target: Target;
let api: Api;
const created: string[] = [];

beforeAll(async () => {
  target = await startTarget();
  api = new Api(target);
});
afterAll(async () => {
  for (const uid of created) await api.deleteIndex(uid);
  await target.close();
});

const BATMAN = [
  { id: 1, title: 'Batman the dark knight returns: Part 1' },
  { id: 2, title: 'Batman the dark knight returns: Part 2' },
  { id: 3, title: 'Batman Returns' },
  { id: 4, title: 'Batman' },
  { id: 5, title: 'Badman' },
];

/** The v1.30 default rules, set explicitly so the vectors hold on later versions too (v1.36
 *  changed the defaults, emulator.md §9). */
const V130_RULES = ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'];

async function index(prefix: string, documents: object[], settings: object = {}): Promise<string> {
  const uid = await api.createIndex(prefix, {
    primaryKey: 'id',
    documents,
    settings: { rankingRules: V130_RULES, ...settings },
  });
  created.push(uid);
  return uid;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function search(uid: string, body: object): Promise<any> {
  const reply = await api.request('POST', `/indexes/${uid}/search`, {
    showRankingScore: true,
    showRankingScoreDetails: true,
    ...body,
  });
  expect(reply.status).toBe(200);
  return reply.body;
}

function expectScores(
  hits: Array<{ id: number; _rankingScore: number }>,
  expected: Array<[number, number]>,
): void {
  expect(hits.map((h) => h.id)).toEqual(expected.map(([id]) => id));
  hits.forEach((hit, i) =>
    expect(Math.abs(hit._rankingScore - expected[i]![1])).toBeLessThan(1e-12),
  );
}

describe('search ranking (worked examples)', () => {
  scenario('"Badman the dark knight returns 1": scores, order and details', async () => {
    const uid = await index('rank-batman', BATMAN);
    const body = await search(uid, { q: 'Badman the dark knight returns 1' });
    expectScores(body.hits, [
      [1, 0.9746605609456898],
      [2, 0.8055252965383685],
      [5, 0.16666666666666666],
      [3, 0.07702020202020202],
      [4, 0.07702020202020202],
    ]);
    const details = body.hits[0]._rankingScoreDetails;
    expect(details.words).toEqual({ order: 0, matchingWords: 6, maxMatchingWords: 6, score: 1 });
    expect(details.typo).toEqual({ order: 1, typoCount: 1, maxTypoCount: 6, score: 6 / 7 });
    expect(details.attribute.order).toBe(3);
    expect(Math.abs(details.attribute.queryWordDistanceScore - 60 / 61)).toBeLessThan(1e-12);
    expect(details.exactness).toMatchObject({
      order: 4,
      matchType: 'noExactMatch',
      matchingWords: 5,
      maxMatchingWords: 6,
    });
    expect(body.hits[1]._rankingScoreDetails.words).toMatchObject({
      matchingWords: 5,
      maxMatchingWords: 6,
    });
  });

  scenario('rankingScoreThreshold removes lower hits from hits and totals', async () => {
    const uid = await index('rank-threshold', BATMAN);
    const strict = await search(uid, { q: 'Badman dark returns 1', rankingScoreThreshold: 0.2 });
    expectScores(strict.hits, [
      [1, 0.9343008130081301],
      [2, 0.6685627880184332],
      [5, 0.25],
    ]);
    expect(strict.estimatedTotalHits).toBe(3);
    const all = await search(uid, { q: 'Badman dark returns 1', rankingScoreThreshold: 0.0 });
    expect(all.estimatedTotalHits).toBe(5);
    expectScores(all.hits, [
      [1, 0.9343008130081301],
      [2, 0.6685627880184332],
      [5, 0.25],
      [3, 0.11553030303030302],
      [4, 0.11553030303030302],
    ]);
  });

  scenario('"train dragon": every detail and the score 4305/4536', async () => {
    const uid = await index('rank-dragon', [
      {
        title: 'How to Train Your Dragon: The Hidden World',
        id: '166428',
        color: ['green', 'red'],
      },
    ]);
    const body = await search(uid, { q: 'train dragon' });
    expect(body.hits[0]._rankingScoreDetails).toEqual({
      words: { order: 0, matchingWords: 2, maxMatchingWords: 2, score: 1.0 },
      typo: { order: 1, typoCount: 0, maxTypoCount: 2, score: 1.0 },
      proximity: { order: 2, score: 0.75 },
      attribute: {
        order: 3,
        attributeRankingOrderScore: 1.0,
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
    expect(Math.abs(body.hits[0]._rankingScore - 4305 / 4536)).toBeLessThan(1e-12);
  });

  scenario(
    '"pésti": an exact match scores 1.0, a prefix at position 8 0.7803030303030303',
    async () => {
      const uid = await index('rank-pesti', [
        { id: 1, cattos: 'pésti' },
        { id: 2, cattos: ['simba', 'pestiféré'] },
      ]);
      const body = await search(uid, { q: 'pésti' });
      expectScores(body.hits, [
        [1, 1.0],
        [2, 0.7803030303030303],
      ]);
      expect(body.hits[0]._rankingScoreDetails.exactness).toEqual({
        order: 4,
        matchType: 'exactMatch',
        score: 1.0,
      });
    },
  );

  scenario(
    'placeholder search: score 1.0 and empty details; sort details carry the value',
    async () => {
      const uid = await index('rank-placeholder', BATMAN, { sortableAttributes: ['title'] });
      const body = await search(uid, {});
      expect(body.hits[0]).toMatchObject({ _rankingScore: 1, _rankingScoreDetails: {} });
      const sorted = await search(uid, { sort: ['title:desc'], limit: 1 });
      expect(sorted.hits[0]).toMatchObject({
        id: 2,
        _rankingScore: 1,
        _rankingScoreDetails: {
          'title:desc': { order: 0, value: 'batman the dark knight returns: part 2' },
        },
      });
    },
  );
});

describe('search ranking (emulator model)', () => {
  scenario(
    'explicit searchableAttributes weigh attributes; other documents never change a score',
    async () => {
      if (!target.isEmulator) return; // not checked on a real node (§4.8)
      const docs = [
        { id: 'X', title: 'Dune', overview: 'A desert planet' },
        { id: 'Y', title: 'Arrakis', overview: 'Dune sequel' },
      ];
      const uid = await index('rank-dune', docs, { searchableAttributes: ['title', 'overview'] });
      const before = await search(uid, { q: 'dune' });
      expect(before.hits.map((h: { id: string }) => h.id)).toEqual(['X', 'Y']);
      expect(before.hits[0]._rankingScore).toBe(1);
      expect(Math.abs(before.hits[1]._rankingScore - 0.7424242424242424)).toBeLessThan(1e-12);
      const star = await index('rank-dune-star', docs);
      const y = (await search(star, { q: 'dune' })).hits.find((h: { id: string }) => h.id === 'Y');
      expect(Math.abs(y._rankingScore - 0.9848484848484849)).toBeLessThan(1e-12);

      const noise = Array.from({ length: 50 }, (_, i) => ({
        id: `n${i}`,
        title: `Dune ${i}`,
        overview: 'dune dune',
      }));
      const add = await api.request('POST', `/indexes/${uid}/documents`, noise);
      expect((await api.waitTask(add.body.taskUid)).status).toBe('succeeded');
      const after = await search(uid, { q: 'dune', limit: 100 });
      for (const hit of before.hits) {
        const same = after.hits.find((h: { id: string }) => h.id === hit.id);
        expect(same._rankingScore).toBe(hit._rankingScore);
        expect(same._rankingScoreDetails).toEqual(hit._rankingScoreDetails);
      }
    },
  );
});
