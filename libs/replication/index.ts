export {
  freshWriterStatus,
  nextCopyState,
  servingCopies,
  STALE_AGE_SHARE,
  type CopyLimits,
  type CopyObservation,
  type CopyStatus,
  type CopyStep,
} from './copy-state.js';
export {
  batchWrite,
  coalesce,
  nodeOpsFor,
  requestOp,
  stampPart,
  type NodeBatch,
  type NodeContext,
  type NodeOp,
  type PlannedOp,
} from './node-ops.js';
export { targetsOf } from './targets.js';
export {
  compareCopies,
  contentDigest,
  digestOf,
  moveRepairFor,
  repairFor,
  type CopyListing,
  type CopySummary,
  type Difference,
  type LogFate,
  type RepairAction,
  type ShardComparison,
} from './copy-check.js';
export { applyCatalogChange } from './catalog-apply.js';
