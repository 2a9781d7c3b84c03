import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { shardFilter, shardOfTag, shardTag } from '#lib/routing';

describe('shard tags', () => {
  it('round-trips every shard and never collides', () => {
    const seen = new Set<string>();
    for (let s = 0; s < 4096; s++) {
      const tag = shardTag(s);
      expect(shardOfTag(tag)).toBe(s);
      expect(seen.has(tag)).toBe(false);
      seen.add(tag);
    }
    fc.assert(fc.property(fc.nat(1 << 20), (s) => shardOfTag(shardTag(s)) === s));
  });

  it('is made of punctuation only, so no tokenizer finds a word in it', () => {
    for (let s = 0; s < 1024; s++) expect(shardTag(s)).toMatch(/^\p{P}+$/u);
  });

  it('rejects what is not a tag', () => {
    expect(shardOfTag('3')).toBeNull();
    expect(shardOfTag('')).toBeNull();
    expect(shardOfTag(3)).toBeNull();
  });

  it('builds the node filter', () => {
    expect(shardFilter([0, 5])).toBe('_miroir_shard IN [".", "--"]');
  });
});
