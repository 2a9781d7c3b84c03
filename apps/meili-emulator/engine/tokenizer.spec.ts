import { describe, expect, it } from '@jest/globals';
import { Tokenizer, tokenize } from './tokenizer.js';
import { engineWith, ids } from './test-helpers.js';

const words = (text: string) => tokenize(text).map((t) => `${t.word}@${t.position}`);

describe('tokenizer (emulator.md §4.1)', () => {
  it('splits on whitespace and punctuation, keeps symbols, normalises', () => {
    expect(words('Gläss of C++ costs 3$, or 10°!')).toEqual([
      'glass@0',
      'of@1',
      'c++@2',
      'costs@3',
      '3$@4',
      'or@12',
      '10°@13',
    ]);
    expect(words('snake_case-and/slash')).toEqual(['snake@0', 'case@1', 'and@2', 'slash@3']);
  });

  it('counts +1 per soft gap and +8 per hard gap', () => {
    expect(words('returns: Part 1')).toEqual(['returns@0', 'part@1', '1@2']);
    expect(words('end. Next; more? yes… 32.3 a,b c, d')).toEqual([
      'end@0',
      'next@8',
      'more@16',
      'yes@24',
      '32@32',
      '3@33',
      'a@34',
      'b@35',
      'c@36',
      'd@44',
    ]);
  });

  it('takes custom separator and non-separator tokens', () => {
    const custom = new Tokenizer(['&'], ['#']);
    expect(custom.tokenize('C# & F#').map((t) => t.word)).toEqual(['c#', 'f#']);
    expect(custom.tokenize('salt&pepper').map((t) => t.word)).toEqual(['salt', 'pepper']);
    expect(custom.endsWithSeparator('salt&')).toBe(true);
    expect(custom.endsWithSeparator('salt')).toBe(false);
  });

  it('applies the settings to indexing and queries', () => {
    const engine = engineWith(
      [
        { id: 1, t: 'I write C#' },
        { id: 2, t: 'I write C' },
      ],
      { nonSeparatorTokens: ['#'] },
    );
    expect(ids(engine.search({ q: 'c#' }))).toEqual([1]);
    expect(ids(engine.search({ q: 'c ' }))).toEqual([2]);
  });
});
