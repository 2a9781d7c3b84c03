/** A deterministic corpus of small documents and a mixed query set for the emulator benchmark. */
import { seededRandom } from '#lib/random';

/**
 * A vocabulary of 5,000 pronounceable pseudo-words. Documents draw words with a Zipf law (a few
 * very common words, a long tail), as natural text does; queries draw content words uniformly from
 * the 1,000 most common ones, so a one-word query matches roughly 0.1–10 % of the corpus.
 */
const VOCABULARY = (() => {
  const random = seededRandom(1234);
  const onsets = [
    'b',
    'c',
    'd',
    'f',
    'g',
    'h',
    'k',
    'l',
    'm',
    'n',
    'p',
    'r',
    's',
    't',
    'v',
    'w',
    'br',
    'st',
    'tr',
    'gl',
  ];
  const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
  const codas = ['', 'n', 'r', 's', 'l', 'nd', 'st', 'rk'];
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const words = new Set<string>();
  while (words.size < 5000) {
    const syllables = 1 + Math.floor(random() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(onsets) + pick(vowels) + pick(codas);
    if (word.length >= 3) words.add(word);
  }
  return [...words];
})();
/** Cumulative Zipf weights (s = 1) over the vocabulary, for sampling by rank. */
const ZIPF = (() => {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= VOCABULARY.length; rank++) cumulative.push((total += 1 / rank));
  return cumulative.map((c) => c / total);
})();
const QUERY_WORDS = VOCABULARY.slice(0, 1000);

/** The word documents use most (rank 1 of the Zipf law). */
export function commonestWord(): string {
  return VOCABULARY[0]!;
}

function zipfWord(random: () => number): string {
  const x = random();
  let lo = 0;
  let hi = ZIPF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}
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
    Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () =>
      zipfWord(random),
    ).join(' ');
  return Array.from({ length: count }, (_, id) => ({
    id,
    title: words(2, 4),
    overview: words(6, 10),
    genre: pick(GENRES),
    year: 1950 + Math.floor(random() * 75),
    price: Math.round(random() * 10_000) / 100,
    tags: [zipfWord(random), zipfWord(random)],
  }));
}

/** Mixed search bodies: one/two words, prefixes, typos, filters, facets, sorts and placeholders. */
export function generateQueries(count: number, seed = 7): Array<Record<string, unknown>> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const typo = (word: string) => word.slice(0, 2) + word[3] + word[2] + word.slice(4);
  const shapes: Array<() => Record<string, unknown>> = [
    () => ({ q: pick(QUERY_WORDS) }),
    () => ({ q: `${pick(QUERY_WORDS)} ${pick(QUERY_WORDS)}` }),
    () => ({ q: pick(QUERY_WORDS).slice(0, 3) }),
    () => ({ q: typo(pick(QUERY_WORDS.filter((w) => w.length >= 6))) }),
    () => ({
      q: pick(QUERY_WORDS),
      filter: `genre = ${pick(GENRES)} AND year > ${1950 + Math.floor(random() * 60)}`,
    }),
    () => ({ q: `${pick(QUERY_WORDS)} ${pick(QUERY_WORDS)}`, facets: ['genre', 'year'] }),
    () => ({ q: pick(QUERY_WORDS), sort: ['year:desc'], limit: 10 }),
    () => ({ filter: `genre IN [${pick(GENRES)}, ${pick(GENRES)}]`, facets: ['genre'], limit: 5 }),
  ];
  return Array.from({ length: count }, (_, i) => shapes[i % shapes.length]!());
}
