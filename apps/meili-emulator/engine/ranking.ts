import {
  compareUtf8,
  geoPoint,
  haversineMeters,
  leaves,
  normalizeValue,
  valuesAt,
} from '#lib/filter';
import type { TextRanks } from './match.js';

export type TextRule = 'words' | 'typo' | 'proximity' | 'attribute' | 'exactness';
/** A sort criterion of a search: a field, or distance to a point (`_geoPoint(lat, lng)`). */
export interface SortCriterion {
  field: string;
  asc: boolean;
  geo?: [number, number];
}

export type Rule =
  | { kind: TextRule }
  | { kind: 'sort'; field: string; asc: boolean; name: string; geo?: [number, number] };

const TEXT_RULES = new Set<string>(['words', 'typo', 'proximity', 'attribute', 'exactness']);

/**
 * The rules a search runs, in order: `sort` expands to the search's sort criteria, custom
 * `field:asc|desc` rules sort too, a missing `words` goes before the first other text rule,
 * `matchingStrategy: all` drops `words`, and a placeholder search keeps only the sort rules.
 */
export function resolveRules(
  rankingRules: string[],
  sort: SortCriterion[],
  options: { placeholder: boolean; strategy: string },
): Rule[] {
  const names = [...rankingRules];
  if (!names.includes('words')) {
    const at = names.findIndex((r) => TEXT_RULES.has(r));
    names.splice(at === -1 ? names.length : at, 0, 'words');
  }
  const rules: Rule[] = [];
  for (const name of names) {
    if (name === 'sort') {
      for (const s of sort) {
        const dir = s.asc ? 'asc' : 'desc';
        // milli score_details.rs names a geo sort by its point, as f64s print.
        const name = s.geo ? `_geoPoint(${s.geo[0]}, ${s.geo[1]}):${dir}` : `${s.field}:${dir}`;
        rules.push({ kind: 'sort', ...s, name });
      }
    } else if (TEXT_RULES.has(name)) {
      if (options.placeholder || (name === 'words' && options.strategy === 'all')) continue;
      rules.push({ kind: name as TextRule });
    } else {
      const at = name.lastIndexOf(':');
      rules.push({
        kind: 'sort',
        field: name.slice(0, at),
        asc: name.slice(at + 1) === 'asc',
        name,
      });
    }
  }
  return rules;
}

/** What the text rules' maxima depend on: the query and the settings, never other documents. */
export interface QueryShape {
  n: number;
  allowedTypos: number[];
  /** `typoMax[k]` = 1 + Σ_{i<k} max(1, allowed typos of tᵢ): the typo rule's m for k terms. */
  typoMax: number[];
  /** Explicit `searchableAttributes` length − 1, or null with `["*"]`. */
  maxWeight: number | null;
}

export interface Rank {
  r: number;
  m: number;
  details: Record<string, unknown>;
}

/** One text rule's rank r / max m for a document (emulator.md §4.5), with its details. */
export function textRank(rule: TextRule, t: TextRanks, q: QueryShape): Rank {
  const k = t.k;
  switch (rule) {
    case 'words':
      return { r: k, m: q.n, details: { matchingWords: k, maxMatchingWords: q.n, score: k / q.n } };
    case 'typo': {
      const m = q.typoMax[k]!;
      const r = m - t.typos;
      return { r, m, details: { typoCount: t.typos, maxTypoCount: m - 1, score: r / m } };
    }
    case 'proximity': {
      const m = 1 + 3 * Math.max(0, k - 1);
      const r = m - t.proximityCost;
      return { r, m, details: { score: r / m } };
    }
    case 'attribute': {
      const m1 = q.maxWeight === null ? 1 : 1 + q.maxWeight * k;
      const r1 = q.maxWeight === null ? 1 : m1 - t.weightSum;
      const m2 = 1 + 10 * k;
      const r2 = m2 - t.distanceCost;
      const [r, m] = merge([r1, m1], [r2, m2]);
      return {
        r,
        m,
        details: {
          attributeRankingOrderScore: r1 / m1,
          queryWordDistanceScore: r2 / m2,
          score: r / m,
        },
      };
    }
    case 'exactness': {
      if (t.exactKind > 1) {
        const matchType = t.exactKind === 3 ? 'exactMatch' : 'matchesStart';
        return { r: t.exactKind, m: 3, details: { matchType, score: t.exactKind / 3 } };
      }
      const [r, m] = merge([1, 3], [1 + t.exactTerms, k + 1]);
      return {
        r,
        m,
        details: {
          matchType: 'noExactMatch',
          matchingWords: t.exactTerms,
          maxMatchingWords: k,
          score: r / m,
        },
      };
    }
  }
}

/**
 * The same rank as `textRank`, as the ratio r/m that orders documents, without allocating:
 * ranking reads it for every candidate of a bucket. `k` and `typos` are passed apart because
 * they come cheaper than the other values.
 */
export function rankRatio(
  rule: TextRule,
  k: number,
  typos: number,
  t: TextRanks | null,
  q: QueryShape,
): number {
  switch (rule) {
    case 'words':
      return k / q.n;
    case 'typo': {
      const m = q.typoMax[k]!;
      return (m - typos) / m;
    }
    case 'proximity': {
      const m = 1 + 3 * Math.max(0, k - 1);
      return (m - t!.proximityCost) / m;
    }
    case 'attribute': {
      const m1 = q.maxWeight === null ? 1 : 1 + q.maxWeight * k;
      const r1 = q.maxWeight === null ? 1 : m1 - t!.weightSum;
      const m2 = 1 + 10 * k;
      return ((r1 - 1) * m2 + m2 - t!.distanceCost) / (m1 * m2);
    }
    case 'exactness':
      return t!.exactKind > 1 ? t!.exactKind / 3 : (1 + t!.exactTerms) / (3 * (k + 1));
  }
}

/** §4.6: R ← (R − 1)·m + r, M ← M·m. */
export function merge(...ranks: Array<[number, number]>): [number, number] {
  let R = 1;
  let M = 1;
  for (const [r, m] of ranks) {
    R = (R - 1) * m + r;
    M = M * m;
  }
  return [R, M];
}

/** A document's value for a sort rule: numbers before strings before missing. */
export interface SortKey {
  kind: 0 | 1 | 2;
  num: number;
  str: string;
}

/** Arrays sort by their least value ascending and their greatest descending. */
/** Distance in meters from the document's `_geo` to `point`; missing (kind 2) without one. */
export function geoSortKey(doc: unknown, point: [number, number]): SortKey {
  const at = geoPoint(doc);
  return at === null
    ? { kind: 2, num: 0, str: '' }
    : { kind: 0, num: haversineMeters(at, point), str: '' };
}

export function sortKey(doc: unknown, field: string, asc: boolean): SortKey {
  const values = leaves(valuesAt(doc, field).raw);
  let num: number | undefined;
  let str: string | undefined;
  for (const v of values) {
    if (typeof v === 'number') {
      if (num === undefined || (asc ? v < num : v > num)) num = v;
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      const s = normalizeValue(String(v));
      if (str === undefined || (asc ? compareUtf8(s, str) < 0 : compareUtf8(s, str) > 0)) str = s;
    }
  }
  if (num !== undefined) return { kind: 0, num, str: '' };
  if (str !== undefined) return { kind: 1, num: 0, str };
  return { kind: 2, num: 0, str: '' };
}

/** Best first. */
export function compareSortKeys(a: SortKey, b: SortKey, asc: boolean): number {
  if (a.kind !== b.kind) return a.kind - b.kind;
  const c = a.kind === 0 ? a.num - b.num : a.kind === 1 ? compareUtf8(a.str, b.str) : 0;
  return asc ? c : -c;
}

export function sortValue(key: SortKey): number | string | null {
  return key.kind === 0 ? key.num : key.kind === 1 ? key.str : null;
}
