export { assertNoReservedField, documentId, RESERVED_PREFIX } from './document-id.js';
export { SHARD_FIELD } from '#lib/routing';
export { degradedHeader, evaluateQuorum, type QuorumOutcome, type WriteQuorum } from './quorum.js';
export {
  planDocumentWrite,
  planIdsByNode,
  type Document,
  type NodeBatch,
  type WritePlan,
} from './write-plan.js';
export {
  initialNodeSettings,
  NODE_MIN_FACET_VALUES,
  nodeFacetValues,
  toNodeSettingsPatch,
  withoutReservedSettings,
} from './node-settings.js';
export type { NodeWrite } from './node-write.js';
