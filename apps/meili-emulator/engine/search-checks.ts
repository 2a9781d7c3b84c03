import { MeiliError } from '#lib/errors';
import { andFilters, parseFilter, type FilterNode } from '#lib/filter';
import { checkFilterable, filteringPatterns, isFilterable, isUnder } from './filterable.js';
import { IndexError } from './index-error.js';
import type { SortCriterion } from './ranking.js';
import type { EngineView } from './engine-view.js';
import type { SearchRequest } from './search-params.js';

/** The checks a search makes against the index settings, in a real node's order; returns the
 *  parsed filter (with `extraFilter` AND-ed) and sort criteria. */
export function checkSearch(
  view: EngineView,
  req: SearchRequest,
  extraFilter?: unknown,
): { filter: FilterNode | null; sort: SortCriterion[] } {
  const settings = view.settings;
  const filter = searchFilter(view, req.filter, extraFilter);
  const sort = parseSort(view, req.sort);
  checkSearchable(view, req.attributesToSearchOn);
  for (const facet of req.facets ?? []) {
    if (facet !== '*' && !isFilterable(settings.filterableAttributes, facet)) {
      throw new IndexError(
        'invalid_search_facets',
        `Invalid facet distribution: Attribute \`${facet}\` is not filterable.`,
      );
    }
  }
  if (req.distinct !== null && !isFilterable(settings.filterableAttributes, req.distinct)) {
    const patterns = filteringPatterns(settings.filterableAttributes);
    throw new IndexError(
      'invalid_search_distinct',
      `Attribute \`${req.distinct}\` is not filterable and thus, cannot be used as distinct attribute. ${
        patterns.length
          ? `Available filterable attributes patterns are: \`${patterns.join(', ')}\`.`
          : 'This index does not have configured filterable attributes.'
      }`,
    );
  }
  return { filter, sort };
}

function searchFilter(view: EngineView, filter: unknown, extraFilter?: unknown): FilterNode | null {
  const node = andFilters(
    parseFilter(filter, 'invalid_search_filter'),
    parseFilter(extraFilter, 'invalid_search_filter'),
  );
  checkFilterable(view.settings, filter, 'invalid_search_filter');
  checkFilterable(view.settings, extraFilter, 'invalid_search_filter');
  return node;
}

function checkSearchable(view: EngineView, attributes: string[] | null): void {
  const searchable = view.settings.searchableAttributes;
  if (!attributes || searchable.includes('*')) return;
  for (const a of attributes) {
    if (a !== '*' && !searchable.some((s) => isUnder(a, s))) {
      throw new IndexError(
        'invalid_search_attributes_to_search_on',
        `Attribute \`${a}\` is not searchable. Available searchable attributes are: \`${[...searchable].sort().join(', ')}\`.`,
      );
    }
  }
}

const GEO_SORT = /^_geoPoint\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\):(asc|desc)$/;

function parseSort(view: EngineView, sort: string[] | null): SortCriterion[] {
  if (!sort || sort.length === 0) return [];
  const settings = view.settings;
  const sortable = [...settings.sortableAttributes].sort();
  const notSortable = (field: string) =>
    new IndexError(
      'invalid_search_sort',
      `Attribute \`${field}\` is not sortable. ${
        sortable.length
          ? `Available sortable attributes are: \`${sortable.join(', ')}\`.`
          : 'This index does not have configured sortable attributes.'
      }`,
    );
  const out = sort.map((s): SortCriterion => {
    const geo = GEO_SORT.exec(s);
    if (geo) {
      const lat = Number(geo[1]);
      const lng = Number(geo[2]);
      if (
        !Number.isFinite(lat) ||
        !Number.isFinite(lng) ||
        Math.abs(lat) > 90 ||
        Math.abs(lng) > 180
      )
        throw new IndexError(
          'invalid_search_sort',
          `Invalid syntax for the geo parameter: expected expression formated like \`_geoPoint(latitude, longitude)\` and ending by \`:asc\` or \`:desc\`, found \`${s}\`.`,
        );
      if (!settings.sortableAttributes.includes('_geo')) throw notSortable('_geo');
      return { field: '_geo', asc: geo[3] === 'asc', geo: [lat, lng] };
    }
    const m = /^(.+):(asc|desc)$/.exec(s);
    if (!m) {
      throw new MeiliError(
        'invalid_search_sort',
        `Invalid syntax for the sort parameter: expected expression ending by \`:asc\` or \`:desc\`, found \`${s}\`.`,
      );
    }
    const field = m[1]!;
    if (!settings.sortableAttributes.some((a) => isUnder(field, a))) throw notSortable(field);
    return { field, asc: m[2] === 'asc' };
  });
  if (!settings.rankingRules.includes('sort')) {
    throw new IndexError(
      'invalid_search_sort',
      'You must specify where `sort` is listed in the rankingRules setting to use the sort parameter at search time.',
    );
  }
  return out;
}
