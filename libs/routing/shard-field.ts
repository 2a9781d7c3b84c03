/**
 * The reserved field that tags every document on the nodes with its shard. Its value is the shard
 * number written in base 4 with punctuation digits (`.` `-` `:` `/`): Meilisearch's tokenizer
 * yields no word from punctuation, so with `searchableAttributes: ["*"]` the tag can never match a
 * query (a plain number would: searching "3" would find every document of shard 3), while filters
 * still compare it as a string facet value.
 */
export const SHARD_FIELD = '_miroir_shard';

const DIGITS = ['.', '-', ':', '/'] as const;
const VALUE_OF = new Map<string, number>(DIGITS.map((d, i) => [d, i]));

export function shardTag(shard: number): string {
  if (!Number.isSafeInteger(shard) || shard < 0) throw new RangeError(`not a shard: ${shard}`);
  let tag = '';
  let rest = shard;
  do {
    tag = DIGITS[rest % 4] + tag;
    rest = Math.floor(rest / 4);
  } while (rest > 0);
  return tag;
}

/** The shard a tag stands for; null for anything that is not a tag. */
export function shardOfTag(tag: unknown): number | null {
  if (typeof tag !== 'string' || tag.length === 0) return null;
  let shard = 0;
  for (const c of tag) {
    const digit = VALUE_OF.get(c);
    if (digit === undefined) return null;
    shard = shard * 4 + digit;
  }
  return shard;
}

/** `_miroir_shard IN ["…", …]`: restricts a node to the given shards. */
export function shardFilter(shards: readonly number[]): string {
  return `${SHARD_FIELD} IN [${shards.map((s) => `"${shardTag(s)}"`).join(', ')}]`;
}
