import type { FilterNode } from './ast.js';

const BARE = /^[^\s()[\],=!<>"'\\]+$/u;
const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'TO',
  'IN',
  'EXISTS',
  'IS',
  'NULL',
  'EMPTY',
  'CONTAINS',
  'STARTS',
]);

/** Prints an AST back to filter syntax that parses to the same AST. */
export function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
      return node.children
        .map((c) => (c.kind === 'and' || c.kind === 'or' ? `(${printFilter(c)})` : printFilter(c)))
        .join(' AND ');
    case 'or':
      return node.children
        .map((c) => (c.kind === 'or' ? `(${printFilter(c)})` : printFilter(c)))
        .join(' OR ');
    case 'not':
      return node.child.kind === 'and' || node.child.kind === 'or'
        ? `NOT (${printFilter(node.child)})`
        : `NOT ${printFilter(node.child)}`;
    case 'compare':
      return `${quote(node.field)} ${node.op} ${quote(node.value)}`;
    case 'range':
      return `${quote(node.field)} ${quote(node.from)} TO ${quote(node.to)}`;
    case 'in':
      return `${quote(node.field)} ${node.negated ? 'NOT IN' : 'IN'} [${node.values.map(quote).join(', ')}]`;
    case 'exists':
      return `${quote(node.field)} ${node.negated ? 'NOT EXISTS' : 'EXISTS'}`;
    case 'isNull':
      return `${quote(node.field)} ${node.negated ? 'IS NOT NULL' : 'IS NULL'}`;
    case 'isEmpty':
      return `${quote(node.field)} ${node.negated ? 'IS NOT EMPTY' : 'IS EMPTY'}`;
    case 'geoRadius':
      return `_geoRadius(${node.lat}, ${node.lng}, ${node.meters})`;
    case 'geoBoundingBox':
      return `_geoBoundingBox([${node.topRight.join(', ')}], [${node.bottomLeft.join(', ')}])`;
    case 'geoPolygon':
      return `_geoPolygon(${node.points.map((p) => `[${p.join(', ')}]`).join(', ')})`;
  }
}

/** A bare word when that reads back the same, else a double-quoted string with escapes. */
export function quote(text: string): string {
  if (BARE.test(text) && !KEYWORDS.has(text)) return text;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
