import { describe, expect, it } from '@jest/globals';
import xxhash from 'xxhash-wasm';
import { score, shardOf, targetNodes } from '#lib/routing';

const { h64Raw } = await xxhash();

// Fixtures from routing.md: any implementation must reproduce them byte for byte.
describe('shardOf', () => {
  it.each([
    ['user:12345', 64, 15],
    ['product:abc', 64, 24],
    ['order:99999', 64, 4],
    ['test', 16, 10],
    ['hello', 32, 6],
    ['1', 64, 36],
    ['2', 64, 33],
    ['42', 64, 53],
    ['doc-1', 64, 0],
  ])('%s over %i shards is shard %i', (key, shards, expected) => {
    expect(shardOf(key, shards)).toBe(expected);
  });

  it('hashes an integer primary key as its decimal string', () => {
    expect(shardOf(42, 64)).toBe(53);
    expect(shardOf(1, 64)).toBe(36);
    expect(shardOf(2, 64)).toBe(shardOf('2', 64));
  });

  it('hashes UTF-8 bytes plus 0xFF, for multi-byte and long keys alike', () => {
    // Reference computed independently of the scratch-buffer path in hash.ts.
    const reference = (key: string, shards: number) =>
      Number(
        h64Raw(Buffer.concat([Buffer.from(key, 'utf8'), Buffer.from([0xff])]), 0n) % BigInt(shards),
      );
    for (const key of ['é', 'Straße-😀', '日本語', 'x'.repeat(5000), 'short', '']) {
      expect(shardOf(key, 64)).toBe(reference(key, 64));
      expect(shardOf(key, 1000)).toBe(reference(key, 1000));
    }
  });
});

describe('score', () => {
  it.each([
    [0, 'node1', 8718891303248248446n],
    [42, 'node1', 16409395505008936582n],
    [7, 'meili-0', 1909194371242830838n],
  ])('score(%i, %s)', (shard, node, expected) => {
    expect(score(shard, node)).toBe(expected);
  });
});

describe('targetNodes', () => {
  it('places shards 0..7 over meili-0..2 with RF 2 as the fixture says', () => {
    const nodes = ['meili-0', 'meili-1', 'meili-2'];
    const expected = [
      [1, 0],
      [1, 2],
      [2, 0],
      [0, 1],
      [2, 1],
      [0, 1],
      [0, 1],
      [1, 2],
    ];
    for (let shard = 0; shard < 8; shard++) {
      expect(targetNodes(shard, nodes, 2)).toEqual(expected[shard]!.map((i) => `meili-${i}`));
    }
  });

  it('does not depend on the order nodes are listed in', () => {
    expect(targetNodes(3, ['c', 'a', 'b'], 2)).toEqual(targetNodes(3, ['b', 'c', 'a'], 2));
  });

  it('returns every node when there are fewer than RF', () => {
    expect(targetNodes(0, ['a'], 3)).toEqual(['a']);
    expect(targetNodes(0, [], 2)).toEqual([]);
  });
});
