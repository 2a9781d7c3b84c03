import { describe, expect, it } from '@jest/globals';
import { evaluateFilter, normalizeText, parseFilter } from '#lib/filter';

const DOCS: Record<string, Record<string, unknown>> = {
  a: {
    id: 'a',
    genre: 'Comédie ',
    price: 10,
    tags: ['Red', 'blue'],
    doggos: [{ name: 'Rex' }, { name: 'Fido' }],
    ok: true,
    note: null,
    empty: '',
  },
  b: {
    id: 'b',
    genre: 'horror',
    price: 25.5,
    tags: [],
    doggos: { name: 'Max' },
    ok: false,
    note: 'x',
    empty: {},
  },
  c: { id: 'c', price: '10', 'doggos.name': 'Rex' },
};

function matching(filter: string): string[] {
  const node = parseFilter(filter, 'invalid_search_filter')!;
  return Object.keys(DOCS).filter((id) => evaluateFilter(node, DOCS[id]));
}

describe('evaluateFilter (emulator.md §4.9)', () => {
  it.each([
    ['genre = comedie', ['a']],
    ['genre = "COMÉDIE"', ['a']],
    ['price = 10', ['a', 'c']],
    ['price = 10.0', ['a']],
    ['ok = true', ['a']],
    ['ok = FALSE', ['b']],
    ['tags = red', ['a']],
    ['doggos.name = rex', ['a', 'c']],
    ['doggos.name = max', ['b']],
    ['price > 10', ['b']],
    ['price >= 10', ['a', 'b']],
    ['price < 25.5', ['a']],
    ['price <= 25.5', ['a', 'b']],
    ['price 10 TO 25.5', ['a', 'b']],
    ['genre > h', ['b']],
    ['genre a TO d', ['a']],
    ['genre IN [horror, comedie]', ['a', 'b']],
    ['genre NOT IN [horror]', ['a', 'c']],
    ['genre != horror', ['a', 'c']],
    ['NOT genre = horror', ['a', 'c']],
    ['note EXISTS', ['a', 'b']],
    ['note NOT EXISTS', ['c']],
    ['note IS NULL', ['a']],
    ['note IS NOT NULL', ['b', 'c']],
    ['empty IS EMPTY', ['a', 'b']],
    ['tags IS EMPTY', ['b']],
    ['tags IS NOT EMPTY', ['a', 'c']],
    ['genre = horror OR price = 10 AND ok = true', ['a', 'b']],
    ['(genre = horror OR price = 10) AND ok = true', ['a']],
  ])('%s → %j', (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it('normalises NFKD, drops marks and lower-cases', () => {
    expect(normalizeText('Gläss')).toBe('glass');
    expect(normalizeText('ﬁn')).toBe('fin');
  });
});
