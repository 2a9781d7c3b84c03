import { redactSortDetails } from '#lib/search';
import type { EngineView } from './engine-view.js';
import { formatHit, matchesPosition, selectFields } from './format.js';
import type { QueryMatcher } from './matcher.js';
import type { Ranker } from './ranker.js';
import type { SearchRequest } from './search-params.js';

/** What rendering needs from a search run. */
export interface RankedPage {
  req: SearchRequest;
  matcher: QueryMatcher;
  ranker: Ranker;
  /** The documents shown, in rank order. */
  page: number[];
}

/** Hits as returned: displayed ∩ retrieved fields, `_formatted`, scores on request. */
export function renderHits(view: EngineView, run: RankedPage): Record<string, unknown>[] {
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
    // Meilisearch adds the distance (rounded meters) to every hit of a geo-sorted search.
    const distance = run.ranker.geoDistance(doc);
    if (distance !== null) hit._geoDistance = distance;
    if (req.showMatchesPosition) {
      hit._matchesPosition = matchesPosition(visible, run.matcher.terms, view.words.tokenizer);
    }
    if (req.showRankingScore || req.showRankingScoreDetails) {
      const scored = run.ranker.score(doc);
      if (req.showRankingScore) hit._rankingScore = scored.score;
      if (req.showRankingScoreDetails) {
        hit._rankingScoreDetails = redactSortDetails(
          scored.details as Parameters<typeof redactSortDetails>[0],
          displayed,
        );
      }
    }
    return hit;
  });
}
