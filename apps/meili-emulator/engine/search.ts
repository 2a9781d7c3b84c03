import { leaves, normalizeValue, valuesAt } from '#lib/filter';
import { facetDistribution } from './facets.js';
import { renderHits } from './hits.js';
import type { EngineView } from './engine-view.js';
import { QueryMatcher } from './matcher.js';
import { Ranker } from './ranker.js';
import { resolveRules } from './ranking.js';
import { checkSearch } from './search-checks.js';
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
  const { filter, sort } = checkSearch(view, req, extraFilter);
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

/** `facetDistribution` and `facetStats` of the requested facets (`*` = every filterable field). */
export function facetsOf(view: EngineView, facets: string[], matches: Uint8Array) {
  const fields = facets.includes('*') ? view.filters.fieldNames() : facets;
  return facetDistribution(fields, view.filters, view.settings, matches);
}
