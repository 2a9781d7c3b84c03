import { describe, expect, it } from '@jest/globals';
import { andFilterParams } from './ast.js';

describe('andFilterParams', () => {
  it("AND-s two filter parameters in Meilisearch's array form, keeping inner OR arrays", () => {
    expect(andFilterParams('a = 1', undefined)).toBe('a = 1');
    expect(andFilterParams(undefined, [])).toBeUndefined();
    expect(andFilterParams('a = 1', 'b = 2')).toEqual(['a = 1', 'b = 2']);
    expect(andFilterParams('a = 1', ['b = 2', ['c = 3', 'd = 4']])).toEqual([
      'a = 1',
      'b = 2',
      ['c = 3', 'd = 4'],
    ]);
    expect(andFilterParams('', null)).toBeUndefined();
  });
});
