import type { CoveringSet } from '#lib/routing';
import type { SearchSettings } from './search-plan.js';
import type { SearchContext } from './search.planner.js';

/** Default client-visible settings of a fresh index with primary key `id`. */
export const DEFAULT_SETTINGS: SearchSettings = {
  primaryKey: 'id',
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  distinctAttribute: null,
  maxTotalHits: 1000,
  maxValuesPerFacet: 100,
  sortFacetValuesBy: { '*': 'alpha' },
  filterableAttributes: [],
  displayedAttributes: ['*'],
};

/** Shards dealt round-robin over `nodes` in group "0"; `uncovered` left out. */
export function roundRobinCovering(
  shards: number,
  nodes: string[],
  uncovered: number[] = [],
): CoveringSet {
  const requests = nodes.map((nodeId) => ({ nodeId, group: '0', shards: [] as number[] }));
  for (let s = 0; s < shards; s++) {
    if (!uncovered.includes(s)) requests[s % nodes.length]!.shards.push(s);
  }
  return { requests: requests.filter((r) => r.shards.length > 0), uncovered };
}

export function searchContext(
  over: Partial<Omit<SearchContext, 'settings'>> & { settings?: Partial<SearchSettings> } = {},
): SearchContext {
  return {
    indexUid: 'movies',
    nodeUid: 'movies',
    shards: 8,
    covering: roundRobinCovering(8, ['meili-0', 'meili-1', 'meili-2']),
    unavailableShardPolicy: 'partial',
    ...over,
    settings: { ...DEFAULT_SETTINGS, ...over.settings },
  };
}
