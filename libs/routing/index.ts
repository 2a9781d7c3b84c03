export { primaryKeyString, score, shardOf } from './hash.js';
export { targetNodes, targetPlacement, writeTargets, type WriteTarget } from './placement.js';
export { balanceGroup, balancedPlacement, evenTarget } from './balance.js';
export { routeDocuments, type DocumentRoute } from './document-route.js';
export {
  coveringSet,
  type CoveringInput,
  type CoveringRequest,
  type CoveringSet,
} from './covering-set.js';
export {
  diffPlacement,
  type PlacementDiff,
  type ShardDrop,
  type ShardMove,
} from './placement-diff.js';
export {
  compareIds,
  groupsOf,
  isPlacementCandidate,
  type NodeState,
  type Placement,
  type ShardCopies,
  type Topology,
  type TopologyNode,
} from './topology.js';
export {
  RESERVED_PREFIX,
  SHARD_FIELD,
  shardFilter,
  shardOfTag,
  shardTag,
  VERSION_FIELD,
  versionOfTag,
  versionTag,
} from './shard-field.js';
export {
  clusterHealth,
  type ClusterHealth,
  type HealthIndex,
  type HealthNode,
  type HealthStatus,
} from './cluster-health.js';
export {
  applyPlacementChange,
  holdsAnyCopy,
  holdsCopy,
  isFilling,
  listedCopies,
  nodesOfPlacement,
  withoutNode,
  type ListedCopy,
  type PlacementChange,
} from './placement-change.js';
export {
  lastCopyOn,
  minimumMoves,
  moveKey,
  planRebalance,
  type PlannedMove,
  type PlanInput,
  type RebalancePlan,
} from './rebalance-plan.js';
