import type { FilterNode } from './ast.js';
import { isEmptyValue, leafCompares, leafEquals, leafInRange, leaves, valuesAt } from './values.js';

/** Whether a document matches the filter (emulator.md §4.9). Negations are complements over all
 *  documents, so `f != v` holds for documents without `f`. */
export function evaluateFilter(node: FilterNode, doc: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => evaluateFilter(c, doc));
    case 'or':
      return node.children.some((c) => evaluateFilter(c, doc));
    case 'not':
      return !evaluateFilter(node.child, doc);
    case 'compare': {
      const values = leaves(valuesAt(doc, node.field).raw);
      if (node.op === '=') return values.some((v) => leafEquals(v, node.value));
      if (node.op === '!=') return !values.some((v) => leafEquals(v, node.value));
      return values.some((v) => leafCompares(v, node.op, node.value));
    }
    case 'range':
      return leaves(valuesAt(doc, node.field).raw).some((v) => leafInRange(v, node.from, node.to));
    case 'in': {
      const values = leaves(valuesAt(doc, node.field).raw);
      const any = values.some((v) => node.values.some((operand) => leafEquals(v, operand)));
      return any !== node.negated;
    }
    case 'exists':
      return valuesAt(doc, node.field).present !== node.negated;
    case 'isNull':
      return valuesAt(doc, node.field).raw.some((v) => v === null) !== node.negated;
    case 'isEmpty':
      return valuesAt(doc, node.field).raw.some(isEmptyValue) !== node.negated;
  }
}
