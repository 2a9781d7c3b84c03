import { describe, expect, it } from '@jest/globals';
import { allows, allowsIndex } from './actions.js';
import { deriveKey } from './key-derivation.js';

describe('deriveKey (Meilisearch generate_key_as_hexa vectors)', () => {
  it.each([
    [
      'MASTER_KEY',
      '4bc0887a-0e41-4f3b-935d-0c451dcee9c8',
      'd9e776b8412f1db6974c9a5556b961c3559440b6588216f4ea5d9ed49f7c8f3c',
    ],
    [
      'MASTER_KEY',
      '00000000-0000-0000-0000-000000000000',
      'aeb94973e0b6e912d94165430bbe87dee91a7c4f891ce19050c3910ec96977e9',
    ],
    [
      'masterKey',
      '4bc0887a-0e41-4f3b-935d-0c451dcee9c8',
      'ca4e30eba536eb65b8bc95372b961e75b63c22931cbcc1be0e35366c2da568e3',
    ],
  ])('master %s, uid %s', (master, uid, expected) => {
    expect(deriveKey(master, uid)).toBe(expected);
  });

  it('lowers an upper-case uid first', () => {
    expect(deriveKey('MASTER_KEY', '4BC0887A-0E41-4F3B-935D-0C451DCEE9C8')).toBe(
      deriveKey('MASTER_KEY', '4bc0887a-0e41-4f3b-935d-0c451dcee9c8'),
    );
  });
});

describe('action and index rules', () => {
  it('expands families, *.get (not keys.get) and *', () => {
    expect(allows(['documents.*'], 'documents.add')).toBe(true);
    expect(allows(['documents.*'], 'indexes.get')).toBe(false);
    expect(allows(['*.get'], 'settings.get')).toBe(true);
    expect(allows(['*.get'], 'keys.get')).toBe(false);
    expect(allows(['*.get'], 'search')).toBe(false);
    expect(allows(['*'], 'keys.delete')).toBe(true);
    expect(allows(['search'], 'documents.get')).toBe(false);
  });

  it('matches index uids, * and prefixes', () => {
    expect(allowsIndex(['movies'], 'movies')).toBe(true);
    expect(allowsIndex(['movies'], 'movies2')).toBe(false);
    expect(allowsIndex(['mov*'], 'movies2')).toBe(true);
    expect(allowsIndex(['mov*'], 'books')).toBe(false);
    expect(allowsIndex(['*'], 'anything')).toBe(true);
  });
});
