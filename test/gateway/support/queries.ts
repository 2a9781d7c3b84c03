/** Generated search bodies for the equivalence test: each draws every dimension independently. */
import { between, pick, seededRandom, type Random } from '#lib/random';
import { COUNTRIES, GENRES, WORDS } from './corpus.js';

function typo(random: Random, word: string): string {
  const i = between(random, 1, word.length - 2);
  return random() < 0.5
    ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) // swap
    : word.slice(0, i) + 'x' + word.slice(i + 1); // substitution
}

function text(random: Random): string {
  const long = WORDS.filter((w) => w.length >= 5);
  const shapes: Array<() => string> = [
    () => '',
    () => pick(random, WORDS),
    () => `${pick(random, WORDS)} ${pick(random, WORDS)}`,
    () => pick(random, WORDS).slice(0, between(random, 2, 4)), // prefix
    () => typo(random, pick(random, long)),
    () => `${pick(random, WORDS)} ${typo(random, pick(random, long))}`,
    () => `${pick(random, WORDS)} ${pick(random, WORDS)} ${pick(random, WORDS)}`,
    () => `"${pick(random, WORDS)} ${pick(random, WORDS)}"`,
  ];
  return pick(random, shapes)();
}

function filter(random: Random): unknown {
  const one = (): string =>
    pick(random, [
      () => `genres = ${pick(random, GENRES)}`,
      () => `year >= ${between(random, 1950, 2020)}`,
      () => `year ${between(random, 1950, 1990)} TO ${between(random, 1991, 2024)}`,
      () => `price < ${between(random, 10, 200)}`,
      () => `rating >= ${between(random, 0, 50) / 10}`,
      () => `author.country IN [${pick(random, COUNTRIES)}, ${pick(random, COUNTRIES)}]`,
      () => `NOT genres = ${pick(random, GENRES)}`,
      () => 'stock EXISTS',
      () => `stock > ${between(random, 0, 400)}`,
    ])();
  return pick(random, [
    () => one(),
    () => `${one()} AND ${one()}`,
    () => `(${one()} OR ${one()}) AND ${one()}`,
    () => [one(), [one(), one()]], // array form: AND of (OR)
  ])();
}

const SORTS = [
  ['year:desc'],
  ['price:asc'],
  ['rating:desc', 'year:asc'],
  ['stock:asc'],
  ['stock:desc', 'price:desc'],
];
const FACETS = [['genres'], ['genres', 'author.country'], ['year', 'rating'], ['*']];

export function generateQueries(count: number, seed: number): Record<string, unknown>[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const q: Record<string, unknown> = { q: text(random) };
    if (random() < 0.45) q.filter = filter(random);
    if (random() < 0.35) q.sort = pick(random, SORTS);
    if (random() < 0.35) q.facets = pick(random, FACETS);
    if (random() < 0.2) q.distinct = 'family';
    if (random() < 0.15) q.matchingStrategy = pick(random, ['all', 'last']);
    if (random() < 0.15)
      q.attributesToRetrieve = pick(random, [['title'], ['title', 'author.name']]);
    if (random() < 0.3) {
      q.page = between(random, 1, 6);
      q.hitsPerPage = pick(random, [5, 10, 20]);
    } else if (random() < 0.2) {
      // Deep windows: past the gateway's two-phase threshold (100 hits per node).
      q.offset = pick(random, [90, 150, 400, 900]);
      q.limit = pick(random, [20, 200]);
    } else {
      if (random() < 0.5) q.offset = pick(random, [0, 3, 10, 25, 60]);
      if (random() < 0.6) q.limit = pick(random, [1, 5, 10, 20, 50]);
    }
    if (random() < 0.2) {
      q.attributesToHighlight = ['title'];
      q.attributesToCrop = ['overview'];
      q.cropLength = 6;
      q.showMatchesPosition = true;
    }
    return q;
  });
}
