import { MeiliError } from '#lib/errors';
import {
  andFilters,
  leaves,
  normalizeValue,
  parseFilter,
  valuesAt,
  type FilterNode,
} from '#lib/filter';
import { facetDistribution } from './facets.js';
import { checkFilterable, isFilterable, isUnder } from './filterable.js';
import { formatHit, matchesPosition, selectFields } from './format.js';
import type { EngineView } from './index-engine.js';
import { QueryMatcher } from './matcher.js';
import { Ranker } from './ranker.js';
import { resolveRules } from './ranking.js';
import { parseSearchParams, type SearchRequest } from './search-params.js';

/** A search run up to its ordered page of documents, before rendering. */
export interface SearchRun {
  req: SearchRequest;
  matcher: QueryMatcher;
  ranker: Ranker;
  /** The page's documents, in rank order. */
  page: number[];
  /** Matches counted in totals (after threshold and distinct). */
  total: number;
  /** The counted matches as a mask (facets cover them). */
  matches: Uint8Array;
}

export function runSearch(
  view: EngineView,
  params: Record<string, unknown>,
  options: { extraFilter?: unknown } = {},
): Record<string, unknown> {
  const req = parseSearchParams(params);
  const run = executeSearch(view, req, options.extraFilter);
  const maxTotalHits = view.settings.pagination.maxTotalHits;
  const out: Record<string, unknown> = { hits: renderHits(view, run), query: req.q ?? '' };
  if (isPageMode(req)) {
    const hitsPerPage = req.hitsPerPage ?? 20;
    const totalHits = Math.min(run.total, maxTotalHits);
    Object.assign(out, {
      hitsPerPage,
      page: req.page ?? 1,
      totalPages: hitsPerPage === 0 ? 0 : Math.ceil(totalHits / hitsPerPage),
      totalHits,
    });
  } else {
    Object.assign(out, {
      limit: req.limit ?? 20,
      offset: Math.min(req.offset ?? 0, maxTotalHits),
      estimatedTotalHits: Math.min(run.total, maxTotalHits),
    });
  }
  if (req.facets) Object.assign(out, facetsOf(view, req.facets, run.matches));
  return out;
}

export function isPageMode(req: SearchRequest): boolean {
  return req.page !== undefined || req.hitsPerPage !== undefined;
}

/** Validates against the settings, matches, filters, ranks and pages. */
export function executeSearch(
  view: EngineView,
  req: SearchRequest,
  extraFilter?: unknown,
): SearchRun {
  const settings = view.settings;
  const filter = searchFilter(view, req.filter, extraFilter);
  const sort = parseSort(view, req.sort);
  checkSearchable(view, req.attributesToSearchOn);
  for (const facet of req.facets ?? []) {
    if (facet !== '*' && !isFilterable(settings.filterableAttributes, facet)) {
      throw new MeiliError(
        'invalid_search_facets',
        `Invalid facet distribution: Attribute \`${facet}\` is not filterable.`,
      );
    }
  }
  if (req.distinct !== null && !isFilterable(settings.filterableAttributes, req.distinct)) {
    throw new MeiliError(
      'invalid_search_distinct',
      `Attribute \`${req.distinct}\` is not filterable and thus, cannot be used as distinct attribute.`,
    );
  }
  const distinct = req.distinct ?? settings.distinctAttribute;

  const filterMask = filter ? view.filters.evaluate(filter, view.liveMask()) : null;
  const matcher = new QueryMatcher(view, {
    q: req.q,
    strategy: req.matchingStrategy,
    attributesToSearchOn: req.attributesToSearchOn,
    filterMask,
  });
  const rules = resolveRules(settings.rankingRules, sort, {
    placeholder: matcher.placeholder,
    strategy: req.matchingStrategy,
  });
  const ranker = new Ranker(rules, matcher, view.store);
  let candidates = matcher.candidates();
  const threshold = req.rankingScoreThreshold;
  if (threshold !== null) candidates = candidates.filter((d) => ranker.score(d).score >= threshold);

  const maxTotalHits = settings.pagination.maxTotalHits;
  const [from, to] = pageBounds(req, maxTotalHits);
  let ordered: number[];
  if (distinct !== null) {
    ordered = keepDistinct(view, ranker.order(candidates, Infinity), distinct);
    candidates = ordered;
  } else {
    ordered = ranker.order(candidates, to);
  }
  const matches = new Uint8Array(view.store.capacity);
  for (const d of candidates) matches[d] = 1;
  return { req, matcher, ranker, page: ordered.slice(from, to), total: candidates.length, matches };
}

/** [from, to) of the ranked list shown, within maxTotalHits. */
function pageBounds(req: SearchRequest, maxTotalHits: number): [number, number] {
  if (isPageMode(req)) {
    const page = req.page ?? 1;
    const perPage = req.hitsPerPage ?? 20;
    if (page === 0) return [0, 0];
    const from = Math.min((page - 1) * perPage, maxTotalHits);
    return [from, Math.min(from + perPage, maxTotalHits)];
  }
  const from = Math.min(req.offset ?? 0, maxTotalHits);
  return [from, Math.min(from + (req.limit ?? 20), maxTotalHits)];
}

/** The best document per value of the field; documents without it are all kept. */
function keepDistinct(view: EngineView, ordered: number[], field: string): number[] {
  const seen = new Set<string>();
  return ordered.filter((doc) => {
    const values = leaves(valuesAt(view.store.doc(doc), field).raw)
      .filter((v) => v !== null && typeof v !== 'object')
      .map(
        (v) =>
          `${typeof v === 'number' ? 'n' : 's'}${typeof v === 'number' ? v : normalizeValue(String(v))}`,
      );
    if (values.length === 0) return true;
    if (values.some((v) => seen.has(v))) return false;
    values.forEach((v) => seen.add(v));
    return true;
  });
}

export function searchFilter(
  view: EngineView,
  filter: unknown,
  extraFilter?: unknown,
): FilterNode | null {
  const node = andFilters(
    parseFilter(filter, 'invalid_search_filter'),
    parseFilter(extraFilter, 'invalid_search_filter'),
  );
  if (node) checkFilterable(view.settings, node, 'invalid_search_filter');
  return node;
}

export function checkSearchable(view: EngineView, attributes: string[] | null): void {
  const searchable = view.settings.searchableAttributes;
  if (!attributes || searchable.includes('*')) return;
  for (const a of attributes) {
    if (a !== '*' && !searchable.some((s) => isUnder(a, s))) {
      throw new MeiliError(
        'invalid_search_attributes_to_search_on',
        `Attribute \`${a}\` is not searchable. Available searchable attributes are: ${searchable.map((s) => `\`${s}\``).join(', ')}.`,
      );
    }
  }
}

function parseSort(
  view: EngineView,
  sort: string[] | null,
): Array<{ field: string; asc: boolean }> {
  if (!sort || sort.length === 0) return [];
  const settings = view.settings;
  const out = sort.map((s) => {
    if (s.startsWith('_geoPoint('))
      throw new MeiliError('emulator_unsupported', 'The emulator does not support geo sorting.');
    const m = /^(.+):(asc|desc)$/.exec(s);
    if (!m) {
      throw new MeiliError(
        'invalid_search_sort',
        `Invalid syntax for the sort parameter: expected expression ending by \`:asc\` or \`:desc\`, found \`${s}\`.`,
      );
    }
    const field = m[1]!;
    if (!settings.sortableAttributes.some((a) => isUnder(field, a))) {
      throw new MeiliError(
        'invalid_search_sort',
        `Attribute \`${field}\` is not sortable. Available sortable attributes are: ${settings.sortableAttributes.map((a) => `\`${a}\``).join(', ')}.`,
      );
    }
    return { field, asc: m[2] === 'asc' };
  });
  if (!settings.rankingRules.includes('sort')) {
    throw new MeiliError(
      'invalid_search_sort',
      'You must specify where `sort` is listed in the rankingRules setting to use the sort parameter at search time.',
    );
  }
  return out;
}

export function facetsOf(view: EngineView, facets: string[], matches: Uint8Array) {
  const fields = facets.includes('*') ? view.filters.fieldNames() : facets;
  return facetDistribution(fields, view.filters, view.settings, matches);
}

/** Hits as returned: displayed ∩ retrieved fields, `_formatted`, scores on request. */
export function renderHits(view: EngineView, run: SearchRun): Record<string, unknown>[] {
  const { req } = run;
  const displayed = view.settings.displayedAttributes;
  const order = new Map(view.store.fieldOrder().map((f, i) => [f, i]));
  const highlight = req.attributesToHighlight ?? [];
  const crop = req.attributesToCrop
    ? new Map(
        req.attributesToCrop.map((a): [string, number] => {
          const m = /^(.*):(\d+)$/.exec(a);
          return m ? [m[1]!, Number(m[2])] : [a, req.cropLength];
        }),
      )
    : null;
  const formatted = highlight.length > 0 || (crop !== null && crop.size > 0);
  return run.page.map((doc) => {
    const visible = selectFields(view.store.doc(doc)!, displayed, order);
    const hit: Record<string, unknown> = selectFields(visible, req.attributesToRetrieve ?? ['*']);
    if (formatted) {
      const names = [...(req.attributesToRetrieve ?? ['*']), ...highlight, ...(crop?.keys() ?? [])];
      hit._formatted = formatHit(selectFields(visible, names), {
        terms: run.matcher.terms,
        tokenizer: view.words.tokenizer,
        highlight,
        crop,
        cropLength: req.cropLength,
        cropMarker: req.cropMarker,
        preTag: req.highlightPreTag,
        postTag: req.highlightPostTag,
      });
    }
    if (req.showMatchesPosition) {
      hit._matchesPosition = matchesPosition(visible, run.matcher.terms, view.words.tokenizer);
    }
    if (req.showRankingScore || req.showRankingScoreDetails) {
      const scored = run.ranker.score(doc);
      if (req.showRankingScore) hit._rankingScore = scored.score;
      if (req.showRankingScoreDetails) hit._rankingScoreDetails = scored.details;
    }
    return hit;
  });
}
