/** Orders shared by hits, facet values and primary keys (strings: `compareUtf8`, Meilisearch's). */
import { compareUtf8 } from '#lib/filter';

/**
 * Primary keys: numbers numerically, strings by bytes, numbers before strings, missing last. Any
 * total order works (it only splits hits whose ranking details are equal); this one is stable
 * whichever node a hit came from.
 */
export function comparePrimaryKeys(a: unknown, b: unknown): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' && tb === 'number') return (a as number) - (b as number);
  if (ta === 'string' && tb === 'string') return compareUtf8(a as string, b as string);
  return typeRank(ta) - typeRank(tb);
}

function typeRank(t: string): number {
  return t === 'number' ? 0 : t === 'string' ? 1 : 2;
}

/** A facet key that prints a number in shortest form (`10`, `10.5`, `-3`), as facet keys do. */
export function isNumericKey(key: string): boolean {
  if (key === '' || key.trim() !== key) return false;
  const n = Number(key);
  return Number.isFinite(n) && String(n) === key;
}
