import { describe, expect, it } from '@jest/globals';
import { cleanHit, valueAtPath } from './hit-cleanup.js';

describe('valueAtPath', () => {
  it('reads own fields and dotted paths', () => {
    const doc = { brand: { name: 'acme' }, 'a.b': 1 };
    expect(valueAtPath(doc, 'brand.name')).toBe('acme');
    expect(valueAtPath(doc, 'a.b')).toBe(1);
    expect(valueAtPath(doc, 'brand.size')).toBeUndefined();
  });

  it("never returns Object's own methods for a field a document lacks", () => {
    for (const path of ['constructor', 'toString', 'brand.valueOf', '__proto__']) {
      expect(valueAtPath({ brand: { name: 'acme' } }, path)).toBeUndefined();
    }
    expect(valueAtPath({ constructor: 'a field' }, 'constructor')).toBe('a field');
  });
});

describe('cleanHit', () => {
  it('removes an attribute added for merging, and leaves a document without it alone', () => {
    const spec = {
      showRankingScore: false,
      showRankingScoreDetails: false,
      addedAttributes: ['toString'],
    };
    expect(cleanHit({ id: 1, toString: 'x' }, spec)).toEqual({ id: 1 });
    const hit = cleanHit({ id: 2 }, spec);
    expect(hit).toEqual({ id: 2 });
    expect(Object.hasOwn(hit, 'toString')).toBe(false);
  });
});
