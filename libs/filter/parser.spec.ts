import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MeiliError } from '#lib/errors';
import {
  andFilters,
  filterFieldUses,
  evaluateFilter,
  parseFilter,
  printFilter,
  type FilterNode,
} from '#lib/filter';

const CODE = 'invalid_search_filter';
const parse = (input: unknown) => parseFilter(input, CODE);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    return err instanceof MeiliError ? err.code : 'not a MeiliError';
  }
  return undefined;
}

describe('parseFilter', () => {
  it('parses every condition form', () => {
    expect(parse('a = 1')).toEqual({ kind: 'compare', field: 'a', op: '=', value: '1' });
    expect(parse('a != "x y"')).toEqual({ kind: 'compare', field: 'a', op: '!=', value: 'x y' });
    for (const op of ['>', '>=', '<', '<=']) {
      expect(parse(`price ${op} 10.5`)).toEqual({
        kind: 'compare',
        field: 'price',
        op,
        value: '10.5',
      });
    }
    expect(parse('year 1990 TO 2000')).toEqual({
      kind: 'range',
      field: 'year',
      from: '1990',
      to: '2000',
    });
    expect(parse("genre IN [horror, 'sci fi']")).toEqual({
      kind: 'in',
      field: 'genre',
      values: ['horror', 'sci fi'],
      negated: false,
    });
    expect(parse('genre NOT IN []')).toEqual({
      kind: 'in',
      field: 'genre',
      values: [],
      negated: true,
    });
    expect(parse('doggos.name EXISTS')).toEqual({
      kind: 'exists',
      field: 'doggos.name',
      negated: false,
    });
    expect(parse('a NOT EXISTS')).toEqual({ kind: 'exists', field: 'a', negated: true });
    expect(parse('a IS NULL')).toEqual({ kind: 'isNull', field: 'a', negated: false });
    expect(parse('a IS NOT EMPTY')).toEqual({ kind: 'isEmpty', field: 'a', negated: true });
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    expect(parse('NOT a = 1 AND b = 2 OR c = 3')).toEqual({
      kind: 'or',
      children: [
        {
          kind: 'and',
          children: [
            { kind: 'not', child: { kind: 'compare', field: 'a', op: '=', value: '1' } },
            { kind: 'compare', field: 'b', op: '=', value: '2' },
          ],
        },
        { kind: 'compare', field: 'c', op: '=', value: '3' },
      ],
    });
    expect(parse('a = 1 AND (b = 2 OR c = 3)')).toMatchObject({
      kind: 'and',
      children: [{}, { kind: 'or' }],
    });
  });

  it('unescapes quoted values', () => {
    expect(parse('title = "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' });
    expect(parse("title = 'it\\'s'")).toMatchObject({ value: "it's" });
  });

  it('reads the array form as AND of ORs and treats empty filters as none', () => {
    expect(parse(['a = 1', ['b = 2', 'c = 3']])).toEqual({
      kind: 'and',
      children: [
        { kind: 'compare', field: 'a', op: '=', value: '1' },
        {
          kind: 'or',
          children: [
            { kind: 'compare', field: 'b', op: '=', value: '2' },
            { kind: 'compare', field: 'c', op: '=', value: '3' },
          ],
        },
      ],
    });
    expect(parse('')).toBeNull();
    expect(parse('   ')).toBeNull();
    expect(parse([])).toBeNull();
    expect(parse(null)).toBeNull();
  });

  it.each([
    ['a =', CODE],
    ['a = 1 AND', CODE],
    ['(a = 1', CODE],
    ['a = "unterminated', CODE],
    ['a and b', CODE],
    ['a = 1 and b = 2', CODE],
    ['a ! 1', CODE],
    ['a IN [1, 2', CODE],
    ['a IS SOMETHING', CODE],
    ['a CONTAINS b', 'feature_not_enabled'],
    ['a STARTS WITH b', 'feature_not_enabled'],
    ['_geo = 1', CODE],
    ['_geoRadius(1, 2)', CODE],
    ['_geoBoundingBox([1, 2])', CODE],
  ])('rejects %j with %s', (input, code) => {
    expect(codeOf(() => parse(input))).toBe(code);
  });

  // Shapes and messages of crates/filter-parser (lib.rs `parse_geo_radius`, `parse_geo_bounding_box`;
  // error.rs `GeoRadius`, `GeoBoundingBox`, `ReservedGeo`).
  it('parses geo filters and refuses wrong shapes with Meilisearch messages', () => {
    expect(parse('_geoRadius(48.85, 2.35, 2000) AND a = 1')).toEqual({
      kind: 'and',
      children: [
        { kind: 'geoRadius', lat: 48.85, lng: 2.35, meters: 2000 },
        { kind: 'compare', field: 'a', op: '=', value: '1' },
      ],
    });
    expect(parse('_geoBoundingBox([45.5, 1.5], [44.5, 0.5])')).toEqual({
      kind: 'geoBoundingBox',
      topRight: [45.5, 1.5],
      bottomLeft: [44.5, 0.5],
    });
    expect(parse('_geoPolygon([0, 0], [0, 1], [1, 1])')).toEqual({
      kind: 'geoPolygon',
      points: [
        [0, 0],
        [0, 1],
        [1, 1],
      ],
    });
    const message = (input: string) => {
      try {
        parse(input);
      } catch (e) {
        return (e as MeiliError).message.split('\n')[0];
      }
      return undefined;
    };
    expect(message('_geoRadius(1, 2)')).toBe(
      'The `_geoRadius` filter expects three arguments: `_geoRadius(latitude, longitude, radius)`.',
    );
    expect(message('_geoBoundingBox([1, 2])')).toBe(
      'The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.',
    );
    expect(message('_geo = 1')).toBe(
      "`_geo` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.",
    );
  });

  it('rejects deeper or non-string array forms and other types', () => {
    expect(codeOf(() => parse([['a = 1', ['b = 2']]]))).toBe(CODE);
    expect(codeOf(() => parse([1]))).toBe(CODE);
    expect(codeOf(() => parse(42))).toBe(CODE);
    expect(codeOf(() => parseFilter({}, 'invalid_document_filter'))).toBe(
      'invalid_document_filter',
    );
  });

  it('limits the depth to 200', () => {
    const nested = (n: number) => '('.repeat(n) + 'a = 1' + ')'.repeat(n);
    expect(parse(nested(200))).toEqual({ kind: 'compare', field: 'a', op: '=', value: '1' });
    expect(codeOf(() => parse(nested(201)))).toBe(CODE);
    expect(codeOf(() => parse('NOT '.repeat(201) + 'a = 1'))).toBe(CODE);
  });

  it('lists fields with the feature each needs', () => {
    expect(
      filterFieldUses(parse('a = 1 AND (b > 2 OR c EXISTS) AND a IN [3] AND d 1 TO 2')!),
    ).toEqual([
      { field: 'a', feature: 'equality' },
      { field: 'b', feature: 'comparison' },
      { field: 'c', feature: 'any' },
      { field: 'd', feature: 'comparison' },
    ]);
  });
});

describe('printFilter', () => {
  it('ANDs a restriction onto a client filter', () => {
    const client = parse('genre = horror OR genre = comedy')!;
    const shard = parse('_miroir_shard IN [1, 3]')!;
    expect(printFilter(andFilters(client, shard)!)).toBe(
      '(genre = horror OR genre = comedy) AND _miroir_shard IN [1, 3]',
    );
  });

  const word = fc.stringMatching(/^[a-z][a-z0-9_.]{0,6}$/);
  const text = fc.oneof(
    word,
    fc.string({ maxLength: 8 }),
    fc.constantFrom('AND', 'NOT', 'a b', '"', "'", '\\', 'é'),
  );
  const leaf: fc.Arbitrary<FilterNode> = fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      field: text,
      op: fc.constantFrom(
        '=' as const,
        '!=' as const,
        '>' as const,
        '>=' as const,
        '<' as const,
        '<=' as const,
      ),
      value: text,
    }),
    fc.record({ kind: fc.constant('range' as const), field: text, from: text, to: text }),
    fc.record({
      kind: fc.constant('in' as const),
      field: text,
      values: fc.array(text, { maxLength: 3 }),
      negated: fc.boolean(),
    }),
    fc.record({
      kind: fc.constantFrom('exists' as const, 'isNull' as const, 'isEmpty' as const),
      field: text,
      negated: fc.boolean(),
    }),
  );
  const tree = fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ kind: fc.constant('not' as const), child: tie('node') }),
      fc.record({
        kind: fc.constantFrom('and' as const, 'or' as const),
        children: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
      }),
    ),
  })).node;

  it('prints what parses back to the same AST', () => {
    fc.assert(
      fc.property(tree, (node) => {
        expect(parse(printFilter(node))).toEqual(node);
      }),
      { numRuns: 300 },
    );
  });
});

describe('geo filters', () => {
  // Meilisearch measures with the haversine formula on a 6,371 km sphere (milli `distance_between_two_points`).
  const paris = { _geo: { lat: 48.8566, lng: 2.3522 } };
  const london = { _geo: { lat: '51.5074', lng: '-0.1278' } };
  const nowhere = { title: 'no _geo' };
  it('keeps documents inside the radius, box or polygon', () => {
    const radius = parseFilter('_geoRadius(48.8566, 2.3522, 344000)', 'invalid_search_filter')!;
    expect([paris, london, nowhere].map((d) => evaluateFilter(radius, d))).toEqual([
      true,
      true,
      false,
    ]);
    const tight = parseFilter('_geoRadius(48.8566, 2.3522, 343000)', 'invalid_search_filter')!;
    expect(evaluateFilter(tight, london)).toBe(false);
    const box = parseFilter('_geoBoundingBox([50, 3], [48, 2])', 'invalid_search_filter')!;
    expect([paris, london].map((d) => evaluateFilter(box, d))).toEqual([true, false]);
    const polygon = parseFilter(
      '_geoPolygon([52, -1], [52, 1], [50, 1], [50, -1])',
      'invalid_search_filter',
    )!;
    expect([paris, london].map((d) => evaluateFilter(polygon, d))).toEqual([false, true]);
  });
});
