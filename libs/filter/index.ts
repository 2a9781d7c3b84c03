/**
 * The Meilisearch filter grammar, shared by the emulator and the gateway's planner:
 * `parseFilter(input, code)` → typed AST (string or array form; errors are MeiliError with the
 * caller's code), `printFilter` back to syntax (`andFilters` to add a restriction such as
 * `_miroir_shard IN [..]`), `evaluateFilter` over one document, and `filterFieldUses` to check
 * the fields and features (equality / comparison) against filterable attributes.
 */
export {
  andFilterParams,
  andFilters,
  parseNumber,
  type CompareOp,
  type FilterNode,
} from './ast.js';
export { parseExpression, parseFilter, MAX_FILTER_DEPTH } from './parser.js';
export { printFilter, quote } from './printer.js';
export { evaluateFilter, geoPoint, haversineMeters } from './evaluator.js';
export { filterFieldUses, type FieldUse, type FilterFeature } from './fields.js';
export { atFilterPosition, filterParts, notFilterableText } from './errors.js';
export { normalizeText, normalizeValue } from './normalize.js';
export {
  compareUtf8,
  isEmptyValue,
  leafCompares,
  leafEquals,
  leafInRange,
  leaves,
  valuesAt,
  type FieldValues,
} from './values.js';
