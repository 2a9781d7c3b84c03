import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvertedIndex, prefixRange, TOKEN_STRIDE } from './inverted-index.js';

describe('InvertedIndex', () => {
  it('keeps postings, tokens and the sorted dictionary in step with writes', () => {
    const word = fc.constantFrom('apple', 'apply', 'banana', 'band', 'bandana', 'cherry', 'c');
    const op = fc.record({
      doc: fc.integer({ min: 0, max: 5 }),
      words: fc.option(fc.array(word, { maxLength: 4 })),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const index = new InvertedIndex(() => true);
        const model = new Map<number, string[]>();
        for (const { doc, words } of ops) {
          index.remove(doc);
          model.delete(doc);
          if (words) {
            index.add(doc, { text: words.join(' ') });
            model.set(doc, words);
          }
          if (doc % 2 === 0) index.dictionary(); // interleave reads with writes
        }
        const held = [...new Set([...model.values()].flat())].sort();
        expect(index.dictionary()).toEqual(held);
        for (const w of held) {
          const docs = [...model.entries()]
            .filter(([, ws]) => ws.includes(w))
            .map(([d]) => d)
            .sort((a, b) => a - b);
          expect(index.docs(w)).toEqual(docs);
        }
        for (const [doc, words] of model) {
          const data = index.tokens(doc)!.data;
          const ids = [];
          for (let t = 0; t < data.length; t += TOKEN_STRIDE) ids.push(index.vocabulary[data[t]!]);
          expect(ids).toEqual(words);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds words by prefix in the sorted dictionary', () => {
    const words = ['band', 'bandana', 'banner', 'bar', 'cat'];
    expect(prefixRange(words, 'ban')).toEqual([0, 3]);
    expect(prefixRange(words, 'band')).toEqual([0, 2]);
    expect(prefixRange(words, 'dog')).toEqual([5, 5]);
    expect(prefixRange(words, '')).toEqual([0, 5]);
  });

  it('numbers positions per attribute, 8 apart between array items and leaves', () => {
    const index = new InvertedIndex((path) => path !== 'id');
    index.add(0, { id: 1, title: 'a b', tags: ['c', 'd e'], nested: { x: 'f', y: 'g' } });
    const data = Array.from(index.tokens(0)!.data);
    const triples = [];
    for (let t = 0; t < data.length; t += TOKEN_STRIDE) {
      triples.push(`${index.vocabulary[data[t]!]}:${index.paths[data[t + 1]!]}@${data[t + 2]}`);
    }
    expect(triples).toEqual([
      'a:title@0',
      'b:title@1',
      'c:tags@0',
      'd:tags@8',
      'e:tags@9',
      'f:nested.x@0',
      'g:nested.y@0',
    ]);
  });
});
