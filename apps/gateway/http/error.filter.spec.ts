import { describe, expect, it } from '@jest/globals';
import { hideReserved } from './error.filter.js';

// Messages of milli `FilterError::AttributeNotFilterable` (crates/milli/src/search/facet/filter.rs)
// with the position line of crates/filter-parser/src/error.rs; nodes list Miroir's reserved rule.
describe('hideReserved', () => {
  it.each([
    [
      'Index `movies`: Attribute `year` is not filterable. Available filterable attribute patterns are: `_miroir_shard`.\n1:5 year > 2000',
      'Index `movies`: Attribute `year` is not filterable. This index does not have configured filterable attributes.\n1:5 year > 2000',
    ],
    [
      'Available filterable attribute patterns are: `genre`, `_miroir_shard`.',
      'Available filterable attribute patterns are: `genre`.',
    ],
    [
      'Available filterable attribute patterns are: `_miroir_shard`, `genre`, `year`.',
      'Available filterable attribute patterns are: `genre`, `year`.',
    ],
    ['Attribute `year` is not filterable.', 'Attribute `year` is not filterable.'],
    [
      'Index `movies`: Attribute `a` is not filterable. Available filterable attribute patterns are: `_miroir_shard`, `genre`.\n1:2 a = "_miroir_x"',
      'Index `movies`: Attribute `a` is not filterable. Available filterable attribute patterns are: `genre`.\n1:2 a = "_miroir_x"',
    ],
  ])('%s', (message, expected) => {
    expect(hideReserved(message)).toBe(expected);
    expect(hideReserved(message).split('\n')[0]).not.toContain('_miroir_');
  });
});
