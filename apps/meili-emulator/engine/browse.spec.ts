import { describe, expect, it } from '@jest/globals';
import { codeOf, engineWith } from './test-helpers.js';

const engine = engineWith(
  [
    { id: 3, title: 'c', year: 2001, secret: 'x' },
    { id: 1, title: 'a', year: 1999, nested: { a: 1, b: 2 } },
    { id: 2, title: 'b' },
  ],
  { filterableAttributes: ['year'], sortableAttributes: ['year'], displayedAttributes: ['title'] },
);

describe('browse', () => {
  it('pages documents in insertion order, ignoring displayedAttributes', () => {
    expect(engine.browse({ limit: 2 })).toEqual({
      results: [
        { id: 3, title: 'c', year: 2001, secret: 'x' },
        { id: 1, title: 'a', year: 1999, nested: { a: 1, b: 2 } },
      ],
      offset: 0,
      limit: 2,
      total: 3,
    });
  });

  it('selects fields, filters, fetches ids and sorts', () => {
    expect(engine.browse({ fields: ['id', 'nested.b'] }).results).toEqual([
      { id: 3 },
      { id: 1, nested: { b: 2 } },
      { id: 2 },
    ]);
    expect(engine.browse({ filter: 'year > 2000', fields: 'id' }).results).toEqual([{ id: 3 }]);
    expect(engine.browse({ ids: ['2', 1], fields: ['id'] }).results).toEqual([
      { id: 1 },
      { id: 2 },
    ]);
    expect(engine.browse({ sort: ['year:desc'], fields: ['id'] }).results).toEqual([
      { id: 3 },
      { id: 1 },
      { id: 2 },
    ]);
  });

  it.each([
    [{ limit: -1 }, 'invalid_document_limit'],
    [{ offset: 'x' }, 'invalid_document_offset'],
    [{ fields: [1] }, 'invalid_document_fields'],
    [{ filter: 'title = a' }, 'invalid_document_filter'],
    [{ filter: 'year >' }, 'invalid_document_filter'],
    [{ sort: ['title:asc'] }, 'invalid_document_sort'],
    [{ nope: 1 }, 'bad_request'],
  ])('rejects %j with %s', (params, code) => {
    expect(codeOf(() => engine.browse(params))).toBe(code);
  });
});
