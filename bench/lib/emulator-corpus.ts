/** A deterministic corpus of small documents and a mixed query set for the emulator benchmark. */
import { seededRandom } from '../../apps/meili-emulator/admin/random.js';

const WORDS = (
  'river stone light dark ocean forest shadow winter summer garden silver golden broken hidden silent ' +
  'journey empire dragon knight castle storm fire island mountain city night morning star moon secret ' +
  'dream machine ghost heart letter road song voice window wolf bridge crown desert echo harbor legend'
).split(' ');
const GENRES = [
  'drama',
  'comedy',
  'action',
  'horror',
  'romance',
  'thriller',
  'documentary',
  'animation',
  'fantasy',
  'western',
  'crime',
  'family',
];

export type BenchDocument = {
  id: number;
  title: string;
  overview: string;
  genre: string;
  year: number;
  price: number;
  tags: string[];
};

/** `count` documents of ~150 bytes: a 2–4 word title, a 6–10 word overview, facets and numbers. */
export function generateCorpus(count: number, seed = 42): BenchDocument[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const words = (min: number, max: number) =>
    Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => pick(WORDS)).join(
      ' ',
    );
  return Array.from({ length: count }, (_, id) => ({
    id,
    title: words(2, 4),
    overview: words(6, 10),
    genre: pick(GENRES),
    year: 1950 + Math.floor(random() * 75),
    price: Math.round(random() * 10_000) / 100,
    tags: [pick(WORDS), pick(WORDS)],
  }));
}

/** Mixed search bodies: one/two words, prefixes, typos, filters, facets, sorts and placeholders. */
export function generateQueries(count: number, seed = 7): Array<Record<string, unknown>> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const typo = (word: string) => word.slice(0, 2) + word[3] + word[2] + word.slice(4);
  const shapes: Array<() => Record<string, unknown>> = [
    () => ({ q: pick(WORDS) }),
    () => ({ q: `${pick(WORDS)} ${pick(WORDS)}` }),
    () => ({ q: pick(WORDS).slice(0, 3) }),
    () => ({ q: typo(pick(WORDS.filter((w) => w.length >= 6))) }),
    () => ({
      q: pick(WORDS),
      filter: `genre = ${pick(GENRES)} AND year > ${1950 + Math.floor(random() * 60)}`,
    }),
    () => ({ q: `${pick(WORDS)} ${pick(WORDS)}`, facets: ['genre', 'year'] }),
    () => ({ q: pick(WORDS), sort: ['year:desc'], limit: 10 }),
    () => ({ filter: `genre IN [${pick(GENRES)}, ${pick(GENRES)}]`, facets: ['genre'], limit: 5 }),
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length]!());
}
