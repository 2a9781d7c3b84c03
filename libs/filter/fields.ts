import type { FilterNode } from './ast.js';

/** What a condition needs from its field: equality (`=`, `!=`, `IN`), comparison (`<`…`TO`), or
 *  just being filterable at all (`EXISTS`, `IS NULL`, `IS EMPTY`). */
export type FilterFeature = 'equality' | 'comparison' | 'any';

export interface FieldUse {
  field: string;
  feature: FilterFeature;
}

/** Every (field, feature) the filter uses, in reading order, without duplicates. */
export function filterFieldUses(node: FilterNode): FieldUse[] {
  const seen = new Set<string>();
  const out: FieldUse[] = [];
  const add = (field: string, feature: FilterFeature) => {
    const key = `${feature}\u0000${field}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ field, feature });
    }
  };
  const walk = (n: FilterNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.children.forEach(walk);
        return;
      case 'not':
        walk(n.child);
        return;
      case 'compare':
        add(n.field, n.op === '=' || n.op === '!=' ? 'equality' : 'comparison');
        return;
      case 'range':
        add(n.field, 'comparison');
        return;
      case 'in':
        add(n.field, 'equality');
        return;
      case 'geoRadius':
      case 'geoBoundingBox':
      case 'geoPolygon':
        add('_geo', 'any');
        return;
      default:
        add(n.field, 'any');
    }
  };
  walk(node);
  return out;
}
