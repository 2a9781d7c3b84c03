export { andFilters, parseNumber, type CompareOp, type FilterNode } from './ast.js';
export { parseExpression, parseFilter, MAX_FILTER_DEPTH } from './parser.js';
export { printFilter, quote } from './printer.js';
export { evaluateFilter } from './evaluator.js';
export { filterFieldUses, type FieldUse, type FilterFeature } from './fields.js';
export { normalizeText, normalizeValue } from './normalize.js';
export {
  compareBytes,
  isEmptyValue,
  leafCompares,
  leafEquals,
  leafInRange,
  leaves,
  valuesAt,
  type FieldValues,
} from './values.js';
