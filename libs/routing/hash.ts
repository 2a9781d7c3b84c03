import xxhash from 'xxhash-wasm';

// XXH64 (seed 0) over raw bytes. xxhash-wasm needs an async init; top-level await keeps the
// routing functions below synchronous and pure.
const { h64Raw } = await xxhash();

const SEPARATOR = 0xff;
const encoder = new TextEncoder();
// One scratch buffer reused by every call: routing a 10k batch must not allocate per key.
let scratch = new Uint8Array(1024);

function ensureScratch(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

/** The string a primary-key value is hashed as: integers as their decimal string. */
export function primaryKeyString(pk: string | number): string {
  return typeof pk === 'number' ? String(pk) : pk;
}

/** `XXH64(utf8(pk) ++ [0xFF]) mod S` — the shard a document belongs to. */
export function shardOf(pk: string | number, shards: number): number {
  const text = primaryKeyString(pk);
  const buf = ensureScratch(text.length * 3 + 1);
  const { written } = encoder.encodeInto(text, buf);
  buf[written] = SEPARATOR;
  return Number(h64Raw(buf.subarray(0, written + 1), 0n) % BigInt(shards));
}

/** `XXH64(le32(shard) ++ utf8(nodeId) ++ [0xFF])` — rendezvous score of a node for a shard. */
export function score(shard: number, nodeId: string): bigint {
  const buf = ensureScratch(4 + nodeId.length * 3 + 1);
  new DataView(buf.buffer, buf.byteOffset, 4).setUint32(0, shard >>> 0, true);
  const { written } = encoder.encodeInto(nodeId, buf.subarray(4));
  buf[4 + written] = SEPARATOR;
  return h64Raw(buf.subarray(0, 4 + written + 1), 0n);
}
