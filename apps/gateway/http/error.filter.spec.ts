import { describe, expect, it } from '@jest/globals';
import { hideReserved } from './error.filter.js';

describe('hideReserved', () => {
  it.each([
    [
      'Available filterable attribute patterns are: `_miroir_shard`.',
      'Available filterable attribute patterns are: none.',
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
  ])('%s', (message, expected) => {
    expect(hideReserved(message)).toBe(expected);
    expect(hideReserved(message)).not.toContain('_miroir_');
  });
});
