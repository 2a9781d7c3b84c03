import { MeiliError } from '#lib/errors';
import type { Filter, SearchRequest } from '#lib/node-client';
import type { CoveringSet } from '#lib/routing';
import { isDisplayed } from './hit-cleanup.js';
import { isReserved, refuseReservedFilter } from './reserved-fields.js';
import {
  describeSearchPlan,
  withShardFilter,
  type Paging,
  type SearchPlan,
  type SearchSettings,
} from './search-plan.js';
import {
  optionalBoolean,
  optionalCount,
  optionalString,
  optionalStrings,
  requireObject,
} from './search-params.js';

export interface SearchContext {
  indexUid: string;
  /** The node-side index holding the client's index (its node requests go there). */
  nodeUid: string;
  settings: SearchSettings;
  /** Shard count S of the index. */
  shards: number;
  covering: CoveringSet;
  unavailableShardPolicy: 'partial' | 'error';
}

const DEFAULT_LIMIT = 20;
const DEFAULT_HITS_PER_PAGE = 20;

/**
 * Plans one search over the covering set: every node gets the client's query restricted to its
 * shards, asked from the first hit up to the end of the client's page (bounded by maxTotalHits),
 * with ranking details so the merge can rebuild the global order. Pure; throws MeiliError for what
 * must be refused before any node is called.
 */
export function planSearch(clientQuery: unknown, ctx: SearchContext): SearchPlan {
  const q = requireObject(clientQuery);
  const { settings } = ctx;
  refuseUnsupported(q);
  refuseReservedFields(q, ctx);

  const max = settings.maxTotalHits;
  const offset = optionalCount(q, 'offset', 'invalid_search_offset');
  const limit = optionalCount(q, 'limit', 'invalid_search_limit');
  const page = optionalCount(q, 'page', 'invalid_search_page');
  const hitsPerPage = optionalCount(q, 'hitsPerPage', 'invalid_search_hits_per_page');
  const showRankingScore = optionalBoolean(
    q,
    'showRankingScore',
    'invalid_search_show_ranking_score',
  );
  const showDetails = optionalBoolean(
    q,
    'showRankingScoreDetails',
    'invalid_search_show_ranking_score_details',
  );
  const distinct =
    optionalString(q, 'distinct', 'invalid_search_distinct') ?? settings.distinctAttribute;
  const retrieve = optionalStrings(
    q,
    'attributesToRetrieve',
    'invalid_search_attributes_to_retrieve',
  );
  const filter = checkFilterType(q.filter);
  const query =
    q.q === undefined || q.q === null ? '' : optionalString(q, 'q', 'invalid_search_q')!;

  // Meilisearch's window: page mode when page or hitsPerPage is given, offsets capped at maxTotalHits.
  let paging: Paging;
  let start: number;
  let end: number;
  if (page !== undefined || hitsPerPage !== undefined) {
    const p = page ?? 1;
    const hpp = hitsPerPage ?? DEFAULT_HITS_PER_PAGE;
    paging = { mode: 'page', page: p, hitsPerPage: hpp };
    start = p === 0 || hpp === 0 ? 0 : Math.min((p - 1) * hpp, max);
    end = p === 0 || hpp === 0 ? 0 : Math.min(start + hpp, max);
  } else {
    start = Math.min(offset ?? 0, max);
    end = start + Math.min(limit ?? DEFAULT_LIMIT, max - start);
    paging = { mode: 'offset', offset: start, limit: limit ?? DEFAULT_LIMIT };
  }

  // Nodes display every field (so sort details on hidden fields stay readable for the merge): the
  // client's displayed attributes become the nodes' retrieval, and highlight and crop `*`.
  const displayed = settings.displayedAttributes.includes('*')
    ? null
    : settings.displayedAttributes;
  const nodeRetrieve = displayed ? visible(retrieve ?? ['*'], displayed) : retrieve;
  // Merging needs the primary key (tie-break) and the distinct value of every hit.
  const addedAttributes: string[] = [];
  if (nodeRetrieve && !nodeRetrieve.includes('*')) {
    for (const attr of [settings.primaryKey, distinct]) {
      if (attr && !nodeRetrieve.includes(attr) && !addedAttributes.includes(attr))
        addedAttributes.push(attr);
    }
  }

  const uncovered = ctx.covering.uncovered;
  if (
    ctx.covering.requests.length === 0 ||
    (uncovered.length > 0 && ctx.unavailableShardPolicy === 'error')
  ) {
    throw new MeiliError(
      'miroir_shard_unavailable',
      `Index \`${ctx.indexUid}\`: no reachable copy of shard(s) ${uncovered.join(', ')}.`,
    );
  }

  const requests = ctx.covering.requests.map((r) => {
    const body: SearchRequest = { ...q };
    delete body.offset;
    delete body.limit;
    delete body.page;
    delete body.hitsPerPage;
    const nodeFilter = withShardFilter(filter, r.shards, ctx.shards);
    if (nodeFilter === undefined) delete body.filter;
    else body.filter = nodeFilter;
    // An empty window (offset past maxTotalHits, page 0) still needs the totals, not the hits.
    const upTo = start < end ? end : 0;
    if (paging.mode === 'page') {
      body.page = 1;
      body.hitsPerPage = upTo;
    } else {
      body.offset = 0;
      body.limit = upTo;
    }
    body.showRankingScore = true;
    body.showRankingScoreDetails = true;
    if (nodeRetrieve && (displayed || addedAttributes.length > 0)) {
      body.attributesToRetrieve = [...nodeRetrieve, ...addedAttributes];
    }
    if (displayed) {
      for (const key of ['attributesToHighlight', 'attributesToCrop'] as const) {
        const list = body[key];
        if (Array.isArray(list)) body[key] = visibleFormatting(list, displayed);
      }
    }
    return { nodeId: r.nodeId, group: r.group, shards: [...r.shards], body };
  });

  const caveats: string[] = [];
  if (distinct && requests.length > 1) {
    caveats.push(
      `distinct ${distinct}: totals count a value once per shard holding it, and a node's window ` +
        'can be filled by values other shards rank higher, leaving the page short',
    );
  }
  if (q.matchingStrategy === 'frequency' && requests.length > 1) {
    caveats.push('matchingStrategy frequency: term frequencies are counted per shard');
  }
  if (uncovered.length > 0) caveats.push(`partial: shards ${uncovered.join(',')} not searched`);

  const plan = {
    indexUid: ctx.indexUid,
    nodeUid: ctx.nodeUid,
    requests,
    uncoveredShards: [...uncovered],
    merge: {
      paging,
      start,
      end,
      query,
      primaryKey: settings.primaryKey,
      distinct: distinct ?? null,
      maxTotalHits: max,
      showRankingScore: showRankingScore ?? false,
      showRankingScoreDetails: showDetails ?? false,
      addedAttributes,
      displayed,
      maxValuesPerFacet: settings.maxValuesPerFacet,
      sortFacetValuesBy: settings.sortFacetValuesBy,
    },
    caveats,
  };
  return { ...plan, describe: () => describeSearchPlan(plan) };
}

function refuseUnsupported(q: Record<string, unknown>): void {
  for (const key of ['hybrid', 'vector', 'media']) {
    if (q[key] !== undefined && q[key] !== null) {
      throw new MeiliError(
        'miroir_unsupported',
        `Miroir does not route vector or hybrid search (\`${key}\`).`,
      );
    }
  }
}

function checkFilterType(filter: unknown): Filter | null | undefined {
  if (
    filter === undefined ||
    filter === null ||
    typeof filter === 'string' ||
    Array.isArray(filter)
  ) {
    return filter as Filter | null | undefined;
  }
  throw new MeiliError(
    'invalid_search_filter',
    `Invalid syntax for the filter parameter: \`expected String, Array\`, found: \`${JSON.stringify(filter)}\`.`,
  );
}

/**
 * `_miroir_*` fields exist on nodes only (filterable there, so the shard restriction works). A
 * client naming them gets what one Meilisearch without them would answer, never their content.
 */
function refuseReservedFields(q: Record<string, unknown>, ctx: SearchContext): void {
  refuseReservedFilter(
    q.filter,
    'invalid_search_filter',
    ctx.indexUid,
    ctx.settings.filterableAttributes,
  );
  const checks: [string, string, string][] = [
    ['facets', 'invalid_search_facets', 'filterable'],
    ['attributesToSearchOn', 'invalid_search_attributes_to_search_on', 'searchable'],
  ];
  for (const [key, code, what] of checks) {
    const list = q[key];
    const hit = Array.isArray(list) ? list.find(isReserved) : undefined;
    if (hit) throw new MeiliError(code, `Attribute \`${hit}\` is not ${what}.`);
  }
  if (isReserved(q.distinct)) {
    throw new MeiliError(
      'invalid_search_distinct',
      `Attribute \`${q.distinct}\` is not filterable.`,
    );
  }
}

/** What of `wanted` the client may see: `*` is every displayed attribute; paths stay if displayed. */
function visible(wanted: readonly string[], displayed: readonly string[]): string[] {
  if (wanted.includes('*')) return [...displayed];
  const out = wanted.filter((a) => isDisplayed(a, displayed));
  // A displayed path inside a wanted object (`a` wanted, `a.b` displayed) is retrieved alone.
  for (const d of displayed) {
    if (!out.includes(d) && wanted.some((a) => d.startsWith(`${a}.`))) out.push(d);
  }
  return out;
}

/** Highlight and crop lists keep their `:length` suffixes; `*` becomes the displayed attributes. */
function visibleFormatting(list: unknown[], displayed: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const item of list) {
    if (typeof item !== 'string') out.push(item);
    else if (item === '*') out.push(...displayed);
    else if (item.startsWith('*:')) out.push(...displayed.map((d) => `${d}${item.slice(1)}`));
    else if (isDisplayed(item.split(':')[0]!, displayed)) out.push(item);
  }
  return out;
}
