import { compareUtf8 } from '#lib/filter';
import { valueAtPath } from './hit-cleanup.js';

/** One `field:asc|desc` of a `sort` parameter. */
export interface SortCriterion {
  field: string;
  direction: 1 | -1;
}

const CRITERION = /^(.+):(asc|desc)$/;

/**
 * The criteria of a documents `sort` parameter (array, or a comma list in a query string), or null
 * when it is not plain `field:asc|desc` items (geo points, bad syntax): those are left to the nodes,
 * whose error or order is then the answer.
 */
export function parseDocumentSort(sort: unknown): SortCriterion[] | null {
  if (sort === undefined || sort === null) return [];
  const items = typeof sort === 'string' ? sort.split(',') : sort;
  if (!Array.isArray(items)) return null;
  const out: SortCriterion[] = [];
  for (const item of items) {
    const m = typeof item === 'string' ? CRITERION.exec(item.trim()) : null;
    if (!m || m[1]!.startsWith('_geoPoint(')) return null;
    out.push({ field: m[1]!, direction: m[2] === 'asc' ? 1 : -1 });
  }
  return out;
}

/** Meilisearch's facet normalisation of strings (milli `normalize_facet`): trim, NFKD, lowercase. */
export function normalizeFacetString(s: string): string {
  return s.trim().normalize('NFKD').toLowerCase();
}

/**
 * A document's value for one sort criterion as milli's sort rule sees it (`sort.rs`): numbers before
 * strings in both directions, strings compared normalised; of an array, the smallest (asc) or
 * largest (desc) number, else string; no value → null, last.
 */
function sortValue(doc: Record<string, unknown>, c: SortCriterion): number | string | null {
  const raw = valueAtPath(doc, c.field);
  const values = Array.isArray(raw) ? raw : [raw];
  let num: number | null = null;
  let str: string | null = null;
  for (const v of values) {
    if (typeof v === 'number') {
      if (num === null || (c.direction === 1 ? v < num : v > num)) num = v;
    } else if (typeof v === 'string' || typeof v === 'boolean') {
      const s = normalizeFacetString(String(v));
      if (str === null || compareUtf8(s, str) * c.direction < 0) str = s;
    }
  }
  return num ?? str;
}

/** Negative when `a` comes first under the criteria; 0 keeps each node's own order. */
export function compareBySort(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  criteria: readonly SortCriterion[],
): number {
  for (const c of criteria) {
    const x = sortValue(a, c);
    const y = sortValue(b, c);
    const cx = x === null ? 2 : typeof x === 'number' ? 0 : 1;
    const cy = y === null ? 2 : typeof y === 'number' ? 0 : 1;
    if (cx !== cy) return cx - cy;
    if (cx === 0 && x !== y) return ((x as number) - (y as number)) * c.direction;
    if (cx === 1 && x !== y) return compareUtf8(x as string, y as string) * c.direction;
  }
  return 0;
}
