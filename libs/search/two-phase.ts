import type { Hit, SearchReply, SearchRequest } from '#lib/node-client';
import type { NodeSearch, SearchPlan } from './search-plan.js';
import { mergeHits } from './search.merger.js';

/**
 * Two-phase search for deep windows. A node asked for hits 15,000–15,020 must return (and the
 * gateway parse) the whole window of 15,020 documents, because only the merge knows which of them
 * land on the page. Phase one asks the nodes for the window with only what the merge reads (the
 * primary key, the distinct value, ranking details), and no formatting. The merge then knows, for
 * every node, which stretch of its own list the page took; phase two asks each node for just that
 * stretch, as the client asked for it (documents, highlighting, cropping, match positions computed
 * by the node). A node's list is the same both times unless a write reached the copy in between,
 * which the primary keys show; the caller then searches again in one phase.
 */
export interface TwoPhasePlan {
  /** The plan whose node requests fetch only what the merge needs. */
  first: SearchPlan;
  /** The full plan: its bodies are phase two's, windowed per node. */
  full: SearchPlan;
}

/** Parameters that only shape the returned documents: phase one drops them. */
const DOCUMENT_SHAPING = [
  'attributesToHighlight',
  'highlightPreTag',
  'highlightPostTag',
  'attributesToCrop',
  'cropLength',
  'cropMarker',
  'showMatchesPosition',
  'retrieveVectors',
] as const;

/**
 * The two-phase form of `plan`, or null when one phase is as good: a page starting at most
 * `above` hits deep (the page is most of what nodes send; measured in bench/deep-search), a single
 * node (its page is its own), or no primary key yet (no documents). `above` 0 disables it.
 */
export function planTwoPhase(plan: SearchPlan, above: number): TwoPhasePlan | null {
  const m = plan.merge;
  if (above <= 0 || m.start <= above || m.start >= m.end || plan.requests.length < 2) return null;
  if (!m.primaryKey) return null;
  const keep = [m.primaryKey, ...(m.distinct ? [m.distinct] : [])];
  const requests = plan.requests.map((r) => {
    const body: SearchRequest = { ...r.body, attributesToRetrieve: keep };
    for (const key of DOCUMENT_SHAPING) delete body[key];
    return { ...r, body };
  });
  return { first: { ...plan, requests }, full: plan };
}

/** Phase two: per node, the stretch of its list the page took, and the page as (node, key). */
export interface SecondPhase {
  requests: { request: number; node: NodeSearch }[];
  page: { request: number; key: string }[];
}

export function planSecondPhase(two: TwoPhasePlan, replies: readonly SearchReply[]): SecondPhase {
  const m = two.full.merge;
  const pk = m.primaryKey!;
  const origin = new Map<Hit, [number, number]>();
  replies.forEach((reply, i) => reply.hits.forEach((hit, pos) => origin.set(hit, [i, pos])));
  const page = mergeHits(m, replies).slice(m.start);
  // Distinct can drop hits inside a node's stretch: the stretch spans them, the page skips them.
  const stretch = new Map<number, { from: number; to: number }>();
  const entries = page.map(({ hit }) => {
    const [request, pos] = origin.get(hit)!;
    const s = stretch.get(request);
    if (!s) stretch.set(request, { from: pos, to: pos + 1 });
    else s.to = Math.max(s.to, pos + 1);
    return { request, key: keyOf(hit[pk]) };
  });
  const requests = [...stretch].map(([request, { from, to }]) => {
    const node = two.full.requests[request]!;
    const body: SearchRequest = { ...node.body, offset: from, limit: to - from };
    delete body.page;
    delete body.hitsPerPage;
    delete body.facets; // facets came with phase one
    return { request, node: { ...node, body } };
  });
  return { requests, page: entries };
}

/**
 * The page's hits from phase two's replies (in `second.requests` order), or null when a node's
 * list changed between the phases (a key is missing): the caller searches again in one phase.
 */
export function secondPhaseHits(
  two: TwoPhasePlan,
  second: SecondPhase,
  replies: readonly SearchReply[],
): Hit[] | null {
  const pk = two.full.merge.primaryKey!;
  const byRequest = new Map<number, Map<string, Hit>>();
  second.requests.forEach(({ request }, i) => {
    byRequest.set(request, new Map(replies[i]!.hits.map((h) => [keyOf(h[pk]), h])));
  });
  const hits: Hit[] = [];
  for (const { request, key } of second.page) {
    const hit = byRequest.get(request)?.get(key);
    if (!hit) return null;
    hits.push(hit);
  }
  return hits;
}

/** A primary key value as a map key (ids are strings or integers; `1` and `"1"` are one id). */
function keyOf(value: unknown): string {
  return String(value);
}
