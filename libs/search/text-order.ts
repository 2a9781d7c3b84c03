/**
 * Orders shared by hits, facet values and primary keys. Strings compare in UTF-8 byte order, as
 * Meilisearch does; JavaScript's `<` compares UTF-16 units, which differs only between surrogate
 * pairs (U+10000…) and U+E000…U+FFFF, fixed up below without allocating.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (D800–DFFF) encode code points above every BMP unit: move them past E000–FFFF.
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

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
