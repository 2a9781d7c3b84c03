import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compareUtf8 } from './values.js';

const sign = (n: number) => Math.sign(n);

describe('compareUtf8', () => {
  it('orders as UTF-8 bytes do, astral characters and U+E000…U+FFFF included', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'z', 'é', '\ue000', '\uffff', '😀', '𝄞', '中'),
    });
    fc.assert(
      fc.property(text, text, (a, b) => {
        const bytes = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
        expect(sign(compareUtf8(a, b))).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('puts an astral character after U+FFFF, where UTF-16 order puts it before', () => {
    expect('😀' < '\uffff').toBe(true);
    expect(compareUtf8('😀', '\uffff')).toBeGreaterThan(0);
  });
});
