import { MeiliError } from '#lib/errors';
import { normalizeValue } from '#lib/filter';
import { countValues, facetOrder, orderFacets } from './facets.js';
import { fieldFeatures } from './filterable.js';
import type { EngineView } from './engine-view.js';
import { executeSearch } from './search.js';
import { parseSearchParams, SHARED_WITH_FACET_SEARCH } from './search-params.js';
import { allowedTypos, boundedDistance } from './typo.js';

const FACET_FIELDS = ['facetName', 'facetQuery', 'exhaustiveFacetCount'];

/** `POST …/facet-search` (emulator.md §2.7). */
export function runFacetSearch(
  view: EngineView,
  params: Record<string, unknown>,
): Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new MeiliError('bad_request', 'Invalid value type: expected an object');
  }
  const allowed = [...FACET_FIELDS, ...SHARED_WITH_FACET_SEARCH];
  const shared: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!allowed.includes(name)) {
      throw new MeiliError(
        'bad_request',
        `Unknown field \`${name}\`: expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
      );
    }
    if (!FACET_FIELDS.includes(name)) shared[name] = value;
  }
  const { facetName, facetQuery, exhaustiveFacetCount } = params;
  if (facetName === undefined || facetName === null) {
    throw new MeiliError('missing_facet_search_facet_name', 'Missing field `facetName`');
  }
  if (typeof facetName !== 'string') {
    throw new MeiliError(
      'invalid_facet_search_facet_name',
      'Invalid value type at `.facetName`: expected a string',
    );
  }
  if (facetQuery != null && typeof facetQuery !== 'string') {
    throw new MeiliError(
      'invalid_facet_search_facet_query',
      'Invalid value type at `.facetQuery`: expected a string',
    );
  }
  if (exhaustiveFacetCount != null && typeof exhaustiveFacetCount !== 'boolean') {
    throw new MeiliError(
      'invalid_facet_search_exhaustive_facet_count',
      'Invalid value type at `.exhaustiveFacetCount`: expected a boolean',
    );
  }
  const req = parseSearchParams(shared);
  const settings = view.settings;
  if (!fieldFeatures(settings.filterableAttributes, facetName).facetSearch) {
    throw new MeiliError(
      'invalid_facet_search_facet_name',
      `Attribute \`${facetName}\` is not facet-searchable.`,
    );
  }
  if (!settings.facetSearch) {
    throw new MeiliError('facet_search_disabled', 'The facet search is disabled for this index.');
  }
  // Only the matches matter here: rank nothing beyond what the threshold needs.
  const run = executeSearch(view, { ...req, limit: 0, offset: 0 });
  const query = facetQuery == null ? null : normalizeValue(facetQuery);
  const typos = query === null ? 0 : allowedTypos(query, settings.typoTolerance, new Set());
  const values = countValues(view.filters.field(facetName), run.matches, true).filter(
    (v) => query === null || matchesFacetQuery(v.key, query, typos),
  );
  const facetHits = orderFacets(values, facetOrder(settings, facetName))
    .slice(0, settings.faceting.maxValuesPerFacet)
    .map((v) => ({ value: v.value, count: v.count }));
  return { facetHits, facetQuery: facetQuery ?? null };
}

/** Normalised prefix match, with typos by the query's length (first letter kept). */
function matchesFacetQuery(value: string, query: string, typos: number): boolean {
  if (value.startsWith(query)) return true;
  if (typos === 0 || value[0] !== query[0]) return false;
  return boundedDistance(query, value, typos, true) <= typos;
}
