/**
 * A deterministic corpus (seeded) with text, numbers, arrays, nested objects, missing values and a
 * `family` field for distinct, and the index settings both sides of the equivalence test use.
 */

import { between, pick, seededRandom } from '#lib/random';

export const WORDS = (
  'river rivers stone stones light lighter dark darkness ocean forest shadow winter summer garden ' +
  'silver golden broken hidden silent journey empire dragon knight castle storm fire island ' +
  'mountain city night morning star moon secret dream machine ghost heart letter road song voice ' +
  'window wolf bridge crown desert echo harbor legend planet captain travel traveler orchard ' +
  'lantern meadow thunder whisper kingdom'
).split(' ');
export const GENRES = [
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
export const COUNTRIES = ['fr', 'de', 'us', 'jp', 'br', 'in', 'ng', 'ca', 'it', 'es', 'kr', 'mx'];
const FIRST = ['Ada', 'Bruno', 'Chloe', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jun'];
const LAST = ['Moreau', 'Schmidt', 'Okafor', 'Tanaka', 'Silva', 'Rossi', 'Kim', 'Garcia', 'Singh'];

export interface CorpusDocument {
  id: number;
  title: string;
  overview: string;
  genres: string[];
  year: number;
  price: number;
  rating: number;
  popularity: number;
  stock?: number;
  family: string;
  tags: string[];
  author: { name: string; country: string };
}

export function generateCorpus(count: number, seed: number): CorpusDocument[] {
  const random = seededRandom(seed);
  const words = (min: number, max: number) =>
    Array.from({ length: between(random, min, max) }, () => pick(random, WORDS)).join(' ');
  return Array.from({ length: count }, (_, i) => {
    const doc: CorpusDocument = {
      id: i + 1,
      title: words(2, 5),
      overview: words(6, 14),
      genres: [
        ...new Set(Array.from({ length: between(random, 1, 3) }, () => pick(random, GENRES))),
      ],
      year: between(random, 1950, 2024),
      price: Math.round(random() * 20_000) / 100,
      rating: between(random, 0, 50) / 10,
      popularity: between(random, 0, 20),
      family: `fam-${between(random, 0, Math.floor(count / 4))}`,
      tags: Array.from({ length: between(random, 0, 3) }, () => pick(random, WORDS)),
      author: {
        name: `${pick(random, FIRST)} ${pick(random, LAST)}`,
        country: pick(random, COUNTRIES),
      },
    };
    if (random() < 0.8) doc.stock = between(random, 0, 500);
    return doc;
  });
}

/** Settings applied to both sides (through the gateway and straight to the reference node). */
export const CORPUS_SETTINGS = {
  searchableAttributes: ['title', 'overview', 'author.name', 'tags'],
  filterableAttributes: ['genres', 'year', 'price', 'rating', 'stock', 'family', 'author.country'],
  sortableAttributes: ['year', 'price', 'rating', 'stock'],
  // The custom rule's field is never a sort criterion of the queries: `_rankingScoreDetails` keys
  // both by `field:direction`, so one would hide the other (on one node as on Miroir).
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'popularity:desc'],
  faceting: {
    maxValuesPerFacet: 30,
    sortFacetValuesBy: { '*': 'alpha', 'author.country': 'count' },
  },
};
