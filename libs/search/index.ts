export {
  facetOrderFor,
  mergeFacetDistributions,
  mergeFacetStats,
  orderFacetValues,
  type FacetCount,
  type FacetOrder,
} from './facet-merge.js';
export {
  mergeFacetSearch,
  planFacetSearch,
  type FacetSearchPlan,
  type NodeFacetSearch,
} from './facet-search.js';
export { cleanHit, redactSortDetails } from './hit-cleanup.js';
export {
  compareBySort,
  normalizeFacetString,
  parseDocumentSort,
  type SortCriterion,
} from './document-sort.js';
export { compareRanked, compareSortValues, rankHit, type RankedHit } from './hit-order.js';
export { planFederatedUnion, type UnionReply, type UnionRequest } from './federated-union.js';
export { kWayMerge } from './k-way-merge.js';
export { filterablePatterns, isReserved, refuseReservedFilter } from './reserved-fields.js';
export {
  compareFederated,
  federatedGroups,
  mergeFederatedSearch,
  mergeMultiSearch,
  type FederatedRank,
  type FederatedResult,
} from './multi-search.merger.js';
export {
  planMultiSearch,
  type ContextLookup,
  type FederatedQuery,
  type FederatedSearchPlan,
  type MultiSearchPlan,
  type PlainMultiSearchPlan,
} from './multi-search.planner.js';
export {
  describeSearchPlan,
  withShardFilter,
  type NodeSearch,
  type Paging,
  type SearchMergeSpec,
  type SearchPlan,
  type SearchSettings,
} from './search-plan.js';
export { mergeHits, mergeSearch, type MergedSearch } from './search.merger.js';
export { planSearch, type SearchContext } from './search.planner.js';
export { comparePrimaryKeys } from './text-order.js';
export {
  planSecondPhase,
  planTwoPhase,
  secondPhaseHits,
  type SecondPhase,
  type TwoPhasePlan,
} from './two-phase.js';
