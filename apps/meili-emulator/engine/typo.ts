import type { TypoTolerance } from './settings.js';

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

/**
 * Damerau–Levenshtein distance (optimal string alignment: swapping neighbours costs 1) between
 * `term` and `word` — or, with `prefix`, the least distance between `term` and any prefix of
 * `word`. Returns `max + 1` as soon as the distance must exceed `max`.
 */
export function boundedDistance(
  term: string[],
  word: string[],
  max: number,
  prefix: boolean,
): number {
  const m = term.length;
  const n = word.length;
  if (!prefix && Math.abs(m - n) > max) return max + 1;
  let before: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = term[i - 1] === word[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && term[i - 1] === word[j - 2] && term[i - 2] === word[j - 1]) {
        v = Math.min(v, before[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  const d = prefix ? Math.min(...prev) : prev[n]!;
  return d > max ? max + 1 : d;
}
