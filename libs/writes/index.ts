export { assertNoReservedField, documentId } from './document-id.js';
export { documentParts, idParts, type DocumentPart, type DocumentParts } from './document-parts.js';
export {
  checkDocument,
  geoChecked,
  MAX_FIELDS,
  type DocumentRulesContext,
} from './document-rules.js';
export { readDocuments, type IncomingDocument, type PayloadFormat } from './incoming-documents.js';
export { guessPrimaryKey, inferPrimaryKey } from './primary-key-inference.js';
export { memberText, oneLine, topLevelElements, valueSpan } from './raw-json.js';
export {
  initialNodeSettings,
  nodeSettingsOf,
  NODE_MIN_FACET_VALUES,
  nodeFacetValues,
  toNodeSettingsPatch,
  withoutReservedSettings,
  refuseReservedSettings,
} from './node-settings.js';
