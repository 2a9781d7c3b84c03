import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluateFilter, parseFilter, printFilter, type FilterNode } from '#lib/filter';
import { engineWith } from './test-helpers.js';

const scalar = fc.oneof(
  fc.constantFrom('Red', 'red ', 'blue', 'Bleu', 'ÉTÉ', 'ete', '', '10', 'true'),
  fc.constantFrom(0, 1, 10, 10.5, -3),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.record({ b: scalar }),
  fc.constant({}),
);
const doc = fc.record(
  { a: value, b: value, c: fc.array(fc.record({ d: scalar }), { maxLength: 2 }) },
  { requiredKeys: [] },
);

const field = fc.constantFrom('a', 'b', 'a.b', 'c.d');
const operand = fc.constantFrom(
  'red',
  'BLUE',
  'ete',
  '10',
  '10.5',
  '1',
  '0',
  'true',
  'false',
  'r',
  'zz',
  '-5',
);
const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({
    kind: fc.constant('compare' as const),
    field,
    op: fc.constantFrom(
      '=' as const,
      '!=' as const,
      '>' as const,
      '>=' as const,
      '<' as const,
      '<=' as const,
    ),
    value: operand,
  }),
  fc.record({ kind: fc.constant('range' as const), field, from: operand, to: operand }),
  fc.record({
    kind: fc.constant('in' as const),
    field,
    values: fc.array(operand, { maxLength: 3 }),
    negated: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom('exists' as const, 'isNull' as const, 'isEmpty' as const),
    field,
    negated: fc.boolean(),
  }),
);
const filter = fc.oneof(
  leaf,
  fc.record({ kind: fc.constant('not' as const), child: leaf }),
  fc.record({
    kind: fc.constantFrom('and' as const, 'or' as const),
    children: fc.array(leaf, { minLength: 2, maxLength: 3 }),
  }),
);

describe('FilterIndex', () => {
  it('selects exactly the documents the reference evaluator accepts', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 8 }), filter, (docs, node) => {
        const withIds = docs.map((d, i) => ({ ...d, id: i }));
        const engine = engineWith(withIds, { filterableAttributes: ['a', 'b', 'c'] });
        const text = printFilter(node);
        const got = engine.browse({ filter: text, limit: 100 }).results.map((d) => d.id);
        const parsed = parseFilter(text, 'invalid_document_filter')!;
        const expected = withIds.filter((d) => evaluateFilter(parsed, d)).map((d) => d.id);
        expect({ text, got }).toEqual({ text, got: expected });
      }),
      { numRuns: 400 },
    );
  });

  it('forgets deleted and replaced documents', () => {
    const engine = engineWith(
      [
        { id: 1, a: 'x' },
        { id: 2, a: 'x' },
      ],
      { filterableAttributes: ['a'] },
    );
    engine.deleteIds(['1']);
    engine.upsert([{ id: '2', doc: { id: 2, a: 'y' } }], 'replace');
    expect(engine.browse({ filter: 'a = x' }).total).toBe(0);
    expect(engine.browse({ filter: 'a = y' }).results).toEqual([{ id: 2, a: 'y' }]);
    expect(engine.deleteByFilter('a = y')).toBe(1);
    expect(engine.size).toBe(0);
  });
});
