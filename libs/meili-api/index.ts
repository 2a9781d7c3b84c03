export { ACTIONS, allows, allowsIndex, isAction } from './actions.js';
export {
  DEFAULT_KEYS,
  defaultKeys,
  isExpired,
  parseKeyCreation,
  parseKeyPatch,
  renderKey,
  type ApiKeyFields,
} from './api-keys.js';
export { parseCsv } from './csv.js';
export { hasBigInt, parseExact, stringifyExact } from './exact-json.js';
export { parseDeleteByFilter } from './delete-filter.js';
export { checkIndexUid, isValidIndexUid } from './index-uid.js';
export { parseIndexUpdate, type IndexUpdate } from './index-update.js';
export { deriveKey } from './key-derivation.js';
export {
  asObject,
  describeValue,
  optionalString,
  queryBoolean,
  queryInteger,
  queryList,
  queryValue,
  rejectUnknown,
  type Query,
} from './params.js';
export {
  DOCUMENT_TYPES,
  documentsBody,
  documentsContent,
  jsonBody,
  jsonText,
  readBody,
  type Document,
} from './payload.js';
export {
  formatDuration,
  parseTaskFilter,
  parseTaskQuery,
  requireTaskFilter,
  TASK_FILTER_PARAMS,
  TASK_STATUSES,
  TASK_TYPES,
  type TaskFilterParams,
  type TaskQueryParams,
  type TaskSummary,
} from './task-query.js';
export {
  invalidApiKey,
  keyCannotAccess,
  tenantFilter,
  tenantTokenAccess,
  type TenantAccess,
  type TokenKey,
} from './tenant-token.js';
export { parseSwaps, refuseSwapDuplicates, renameConflict, type Swap } from './swaps.js';
export { parseSettingsPatch, parseSettingValue } from './settings-parse.js';
export {
  applySettingsPatch,
  cloneSettings,
  DEFAULT_RANKING_RULES,
  DEFAULT_SETTINGS,
  kebabCase,
  SETTINGS_ROUTES,
  type FacetOrder,
  type Faceting,
  type LocalizedAttributesRule,
  type FilterableRule,
  type Settings,
  type SettingsPatch,
  type TypoTolerance,
} from './settings.js';
export { checkSearchTypes, searchQueryToParams } from './search-params.js';
export { getOwn, setOwn } from './own-property.js';
