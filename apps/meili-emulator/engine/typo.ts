import type { TypoTolerance } from '#lib/meili-api';

/** Typos a term may have (emulator.md §4.3): by length in characters against the minimum word
 *  sizes; none when typo tolerance is off, for `disableOnWords`, or for numbers when disabled. */
export function allowedTypos(
  term: string,
  typo: TypoTolerance,
  disabledWords: Set<string>,
): number {
  if (!typo.enabled || disabledWords.has(term)) return 0;
  if (typo.disableOnNumbers && /^\p{N}+$/u.test(term)) return 0;
  const length = [...term].length;
  if (length < typo.minWordSizeForTypos.oneTypo) return 0;
  if (length < typo.minWordSizeForTypos.twoTypos) return 1;
  return 2;
}

const SURROGATE = /[\uD800-\uDFFF]/;
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Damerau–Levenshtein distance (optimal string alignment: swapping neighbours costs 1) between
 * `term` and `word` — or, with `prefix`, the least distance between `term` and any prefix of
 * `word`. Returns `max + 1` as soon as the distance must exceed `max`. Compares code points.
 */
export function boundedDistance(term: string, word: string, max: number, prefix: boolean): number {
  if (SURROGATE.test(term) || SURROGATE.test(word)) {
    return distance([...term], [...word], max, prefix);
  }
  return distance(term, word, max, prefix);
}

function distance(
  term: ArrayLike<string>,
  whole: ArrayLike<string>,
  max: number,
  prefix: boolean,
): number {
  const m = term.length;
  // A prefix longer than the term plus the budget cannot be close enough.
  const n = prefix ? Math.min(whole.length, m + max) : whole.length;
  if (!prefix && Math.abs(m - n) > max) return max + 1;
  if (rows[0]!.length <= n) rows = [0, 1, 2].map(() => new Int32Array(n * 2 + 2));
  let [before, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    const t = term[i - 1];
    for (let j = 1; j <= n; j++) {
      const w = whole[j - 1];
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (t === w ? 0 : 1));
      if (i > 1 && j > 1 && t === whole[j - 2] && term[i - 2] === w)
        v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [before, prev, cur] = [prev, cur, before];
  }
  let d = prev[n]!;
  if (prefix) for (let j = 0; j < n; j++) d = Math.min(d, prev[j]!);
  return d > max ? max + 1 : d;
}
