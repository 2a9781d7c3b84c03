import { MeiliError } from '#lib/errors';
import { parseNumber, type CompareOp, type FilterNode } from './ast.js';
import { lex, syntax, type FilterToken } from './lexer.js';

/** Deepest nesting of parentheses and NOT accepted (a real node's limit). */
export const MAX_FILTER_DEPTH = 200;

/** Bare words that cannot be operands. */
const RESERVED = new Set(['AND', 'OR', 'NOT', 'TO']);
const GEO_FUNCTIONS = new Set(['_geoRadius', '_geoBoundingBox', '_geoPolygon', '_geoDistance']);

/**
 * Parses the `filter` parameter in any accepted form — a string, or an array of strings and
 * arrays of strings (outer AND, inner OR) — into an AST; `null` when there is no filter (`""`,
 * `[]`, null). Throws MeiliError with `code` (`invalid_search_filter`, `invalid_document_filter`…).
 */
export function parseFilter(input: unknown, code: string): FilterNode | null {
  if (input === null || input === undefined) return null;
  if (typeof input === 'string') return parseExpression(input, code);
  if (!Array.isArray(input)) {
    throw new MeiliError(
      code,
      `Invalid syntax for the filter parameter: \`expected String, Array\`, found: \`${JSON.stringify(input)}\`.`,
    );
  }
  const all: FilterNode[] = [];
  for (const item of input) {
    if (typeof item === 'string') {
      const node = parseExpression(item, code);
      if (node) all.push(node);
    } else if (Array.isArray(item)) {
      const any: FilterNode[] = [];
      for (const inner of item) {
        if (typeof inner !== 'string') {
          throw new MeiliError(
            code,
            `Invalid value type at \`.filter\`: expected a string or an array of strings, found \`${JSON.stringify(inner)}\`.`,
          );
        }
        const node = parseExpression(inner, code);
        if (node) any.push(node);
      }
      if (any.length === 1) all.push(any[0]!);
      else if (any.length > 1) all.push({ kind: 'or', children: any });
    } else {
      throw new MeiliError(
        code,
        `Invalid value type at \`.filter\`: expected a string or an array, found \`${JSON.stringify(item)}\`.`,
      );
    }
  }
  if (all.length === 0) return null;
  return all.length === 1 ? all[0]! : { kind: 'and', children: all };
}

/** Parses one filter expression; `null` for a blank one. */
export function parseExpression(input: string, code: string): FilterNode | null {
  if (input.trim() === '') return null;
  return new Parser(input, code).parse();
}

class Parser {
  private readonly tokens: FilterToken[];
  private i = 0;
  private depth = 0;

  constructor(
    private readonly input: string,
    private readonly code: string,
  ) {
    this.tokens = lex(input, code);
  }

  parse(): FilterNode {
    const node = this.or();
    if (this.peek().kind !== 'eof')
      this.fail('Found unexpected characters at the end of the filter');
    return node;
  }

  private or(): FilterNode {
    const children = [this.and()];
    while (this.isKeyword('OR')) {
      this.i++;
      children.push(this.and());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private and(): FilterNode {
    const children = [this.not()];
    while (this.isKeyword('AND')) {
      this.i++;
      children.push(this.not());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private not(): FilterNode {
    if (!this.isKeyword('NOT')) return this.primary();
    this.i++;
    this.enter();
    const child = this.not();
    this.depth--;
    return { kind: 'not', child };
  }

  private primary(): FilterNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.i++;
      this.enter();
      const node = this.or();
      this.depth--;
      this.expect(')', 'Expression is missing the following closing delimiter: `)`');
      return node;
    }
    return this.condition();
  }

  private condition(): FilterNode {
    const fieldToken = this.peek();
    if (fieldToken.kind === 'word' && GEO_FUNCTIONS.has(fieldToken.text)) return this.geo();
    const field = this.operand('Was expecting a value');
    if (field === '_geo' || field === '_geoDistance' || field === '_geoPoint') {
      // filter-parser error.rs `ReservedGeo`.
      this.i--;
      this.fail(
        `\`${field}\` is a reserved keyword and thus can't be used as a filter expression. Use the \`_geoRadius(latitude, longitude, distance)\` or \`_geoBoundingBox([latitude, longitude], [latitude, longitude])\` built-in rules to filter on \`_geo\` coordinates`,
      );
    }
    const next = this.peek();
    if (next.kind === 'op') {
      this.i++;
      return {
        kind: 'compare',
        field,
        op: next.text as CompareOp,
        value: this.operand('Was expecting a value'),
      };
    }
    if (this.isKeyword('IN')) {
      this.i++;
      return { kind: 'in', field, values: this.list(), negated: false };
    }
    if (this.isKeyword('EXISTS')) {
      this.i++;
      return { kind: 'exists', field, negated: false };
    }
    if (this.isKeyword('IS')) {
      this.i++;
      const negated = this.isKeyword('NOT');
      if (negated) this.i++;
      if (this.isKeyword('NULL')) {
        this.i++;
        return { kind: 'isNull', field, negated };
      }
      if (this.isKeyword('EMPTY')) {
        this.i++;
        return { kind: 'isEmpty', field, negated };
      }
      this.fail('Was expecting `NULL` or `EMPTY` after `IS`');
    }
    if (this.isKeyword('NOT')) {
      this.i++;
      if (this.isKeyword('IN')) {
        this.i++;
        return { kind: 'in', field, values: this.list(), negated: true };
      }
      if (this.isKeyword('EXISTS')) {
        this.i++;
        return { kind: 'exists', field, negated: true };
      }
      this.experimental();
      this.fail('Was expecting `IN` or `EXISTS` after `NOT`');
    }
    this.experimental();
    if (next.kind === 'word' || next.kind === 'quoted') {
      const from = this.operand('Was expecting a value');
      if (this.isKeyword('TO')) {
        this.i++;
        return { kind: 'range', field, from, to: this.operand('Was expecting a value after `TO`') };
      }
    }
    return this.fail(
      'Was expecting an operation `=`, `!=`, `>=`, `>`, `<=`, `<`, `IN`, `NOT IN`, `TO`, `EXISTS`, `NOT EXISTS`, `IS NULL`, `IS NOT NULL`, `IS EMPTY`, `IS NOT EMPTY`',
    );
  }

  /**
   * `_geoRadius(lat, lng, meters)`, `_geoBoundingBox([lat, lng], [lat, lng])` or
   * `_geoPolygon([lat, lng], …)`, with filter-parser error.rs's messages for a wrong shape.
   */
  private geo(): FilterNode {
    const name = this.peek().text;
    const start = this.i;
    this.i++;
    const shape: Record<string, string> = {
      _geoRadius:
        'The `_geoRadius` filter expects three arguments: `_geoRadius(latitude, longitude, radius)`',
      _geoBoundingBox:
        'The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`',
      _geoPolygon:
        'The `_geoPolygon` filter expects at least three points: `_geoPolygon([latitude, longitude], [latitude, longitude], [latitude, longitude])`',
      _geoDistance:
        "`_geoDistance` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates",
    };
    const wrong = (): never => {
      this.i = start;
      return this.fail(shape[name]!);
    };
    if (name === '_geoDistance' || this.peek().kind !== '(') return wrong();
    this.i++;
    const numbers: number[] = [];
    const pairs: [number, number][] = [];
    while (this.peek().kind !== ')') {
      if (this.peek().kind === '[') {
        this.i++;
        const lat = this.geoNumber(wrong);
        if (this.peek().kind !== ',') return wrong();
        this.i++;
        const lng = this.geoNumber(wrong);
        if (this.peek().kind !== ']') return wrong();
        this.i++;
        pairs.push([lat, lng]);
      } else {
        numbers.push(this.geoNumber(wrong));
      }
      if (this.peek().kind === ',') this.i++;
      else if (this.peek().kind !== ')') return wrong();
    }
    this.i++;
    if (name === '_geoRadius') {
      if (numbers.length !== 3 || pairs.length > 0) return wrong();
      return { kind: 'geoRadius', lat: numbers[0]!, lng: numbers[1]!, meters: numbers[2]! };
    }
    if (numbers.length > 0) return wrong();
    if (name === '_geoBoundingBox') {
      if (pairs.length !== 2) return wrong();
      return { kind: 'geoBoundingBox', topRight: pairs[0]!, bottomLeft: pairs[1]! };
    }
    if (pairs.length < 3) return wrong();
    return { kind: 'geoPolygon', points: pairs };
  }

  private geoNumber(wrong: () => never): number {
    const token = this.peek();
    const n =
      token.kind === 'word' || token.kind === 'quoted' ? parseNumber(token.text) : undefined;
    if (n === undefined) return wrong();
    this.i++;
    return n;
  }

  /** `CONTAINS` and `STARTS WITH` exist only behind an experimental flag on a real node. */
  private experimental(): void {
    if (this.isKeyword('CONTAINS') || this.isKeyword('STARTS')) {
      throw new MeiliError(
        'feature_not_enabled',
        'Using `CONTAINS` or `STARTS WITH` in a filter requires enabling the `contains filter` experimental feature.',
      );
    }
  }

  private list(): string[] {
    this.expect('[', 'Expected `[` after `IN` keyword');
    const values: string[] = [];
    while (this.peek().kind !== ']') {
      values.push(this.operand('Was expecting a value in the list'));
      if (this.peek().kind === ',') this.i++;
      else if (this.peek().kind !== ']') this.fail('Expected matching `]` after the list');
    }
    this.i++;
    return values;
  }

  private operand(what: string): string {
    const token = this.peek();
    if (token.kind === 'quoted' || (token.kind === 'word' && !RESERVED.has(token.text))) {
      this.i++;
      return token.text;
    }
    return this.fail(what);
  }

  private enter(): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      this.fail(`The filter exceeded the maximum depth limit (${MAX_FILTER_DEPTH})`);
    }
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text === word;
  }

  private expect(kind: FilterToken['kind'], what: string): void {
    if (this.peek().kind !== kind) this.fail(what);
    this.i++;
  }

  private peek(): FilterToken {
    return this.tokens[this.i]!;
  }

  private fail(what: string): never {
    throw syntax(this.code, this.input, this.peek().at, what);
  }
}
