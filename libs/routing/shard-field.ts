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

/**
 * The reserved field that carries a document's version on the nodes: the log position of its last
 * write (replication.md, R8), as a punctuation tag for the same reason as the shard's.
 */
export const VERSION_FIELD = '_miroir_seq';

/** Every field Miroir adds to documents on nodes; clients never send nor see them. */
export const RESERVED_PREFIX = '_miroir_';

function toTag(n: number, what: string): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a ${what}: ${n}`);
  let tag = '';
  let rest = n;
  do {
    tag = DIGITS[rest % 4] + tag;
    rest = Math.floor(rest / 4);
  } while (rest > 0);
  return tag;
}

function fromTag(tag: unknown): number | null {
  if (typeof tag !== 'string' || tag.length === 0) return null;
  let n = 0;
  for (const c of tag) {
    const digit = VALUE_OF.get(c);
    if (digit === undefined) return null;
    n = n * 4 + digit;
  }
  return n;
}

export const shardTag = (shard: number): string => toTag(shard, 'shard');

/** The shard a tag stands for; null for anything that is not a tag. */
export const shardOfTag = (tag: unknown): number | null => fromTag(tag);

export const versionTag = (seq: number): string => toTag(seq, 'log position');

/** The log position a version tag stands for; null for anything that is not one. */
export const versionOfTag = (tag: unknown): number | null => fromTag(tag);

/** `_miroir_shard IN ["…", …]`: restricts a node to the given shards. */
export function shardFilter(shards: readonly number[]): string {
  return `${SHARD_FIELD} IN [${shards.map((s) => `"${shardTag(s)}"`).join(', ')}]`;
}
