import type { Hit } from '#lib/node-client';
import { compareUtf8 } from '#lib/filter';
import { comparePrimaryKeys } from './text-order.js';

/**
 * A hit's position in the global order, precomputed once per hit so the merge compares flat
 * arrays: for each rule that ran (by `order` in `_rankingScoreDetails`), either a score (higher
 * first) or a sort value (`field:asc|desc`: numbers, then strings, missing last — emulator.md
 * §4.5), then the primary key ascending.
 */
export interface RankedHit {
  hit: Hit;
  /** Score rules: the score. Sort rules: the value. */
  values: unknown[];
  /** Per entry: 0 = score, 1 = ascending sort, -1 = descending sort. */
  kinds: Int8Array;
  pk: unknown;
}

const SORT_RULE = /:(asc|desc)$/;

/** The rules that ran, in order, with their kind; shared by every hit of one reply. */
export interface RuleTemplate {
  rules: string[];
  kinds: Int8Array;
}

export function ruleTemplate(hit: Hit | undefined): RuleTemplate {
  const entries = Object.entries(hit?._rankingScoreDetails ?? {});
  entries.sort((a, b) => a[1].order - b[1].order);
  const kinds = new Int8Array(entries.length);
  entries.forEach(([rule], i) => {
    const sort = SORT_RULE.exec(rule);
    kinds[i] = sort ? (sort[1] === 'asc' ? 1 : -1) : 0;
  });
  return { rules: entries.map(([rule]) => rule), kinds };
}

/**
 * Ranks a hit. With the reply's template (every hit of one query ran the same rules) this is a
 * few property reads; a hit whose details do not fit the template is ranked from its own.
 */
export function rankHit(hit: Hit, primaryKey: string, template?: RuleTemplate): RankedHit {
  const details = hit._rankingScoreDetails;
  const t = template ?? ruleTemplate(hit);
  const values: unknown[] = new Array(t.rules.length);
  for (let i = 0; i < t.rules.length; i++) {
    const detail = details?.[t.rules[i]!];
    if (!detail || detail.order !== i)
      return template ? rankHit(hit, primaryKey) : fallback(hit, primaryKey);
    values[i] = t.kinds[i] === 0 ? (detail.score ?? 0) : sortValueOf(t.rules[i]!, detail);
  }
  return { hit, values, kinds: t.kinds, pk: hit[primaryKey] };
}

/** Details whose `order` values have gaps: compare in order of `order`, whatever it is. */
function fallback(hit: Hit, primaryKey: string): RankedHit {
  const entries = Object.entries(hit._rankingScoreDetails ?? {}).sort(
    (a, b) => a[1].order - b[1].order,
  );
  const kinds = new Int8Array(entries.length);
  const values = entries.map(([rule, detail], i) => {
    const sort = SORT_RULE.exec(rule);
    kinds[i] = sort ? (sort[1] === 'asc' ? 1 : -1) : 0;
    return sort ? sortValueOf(rule, detail) : (detail.score ?? 0);
  });
  return { hit, values, kinds, pk: hit[primaryKey] };
}

/**
 * What a sort rule compares: its `value`, or for a geo sort (`_geoPoint(lat, lng):asc`, details
 * `{value: {lat, lng}, distance}`) the distance in meters, missing last in both directions (milli
 * `GeoSort`). Nodes bucket distances within 1 m; the merge compares them exactly.
 */
function sortValueOf(rule: string, detail: { value?: unknown; distance?: unknown }): unknown {
  if (rule.startsWith('_geoPoint('))
    return typeof detail.distance === 'number' ? detail.distance : null;
  return detail.value;
}

/** Negative when `a` ranks before `b`. */
export function compareRanked(a: RankedHit, b: RankedHit): number {
  const n = Math.min(a.values.length, b.values.length);
  for (let i = 0; i < n; i++) {
    const kind = a.kinds[i]!;
    const x = a.values[i];
    const y = b.values[i];
    const c = kind === 0 ? (y as number) - (x as number) : compareSortValues(x, y, kind);
    if (c !== 0) return c;
  }
  return comparePrimaryKeys(a.pk, b.pk);
}

/** `direction` 1 ascending, -1 descending; numbers before strings and missing last either way. */
export function compareSortValues(x: unknown, y: unknown, direction: number): number {
  const cx = sortClass(x);
  const cy = sortClass(y);
  if (cx !== cy) return cx - cy;
  if (cx === 0) return ((x as number) - (y as number)) * direction;
  if (cx === 1) return compareUtf8(x as string, y as string) * direction;
  return 0;
}

function sortClass(v: unknown): number {
  return typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2;
}
