/**
 * Compares a gateway search answer with one node's answer to the same query. Hits are compared up
 * to the order inside runs of equal `_rankingScoreDetails` (both sides are asked for them): the
 * sequence of details must be identical, every run fully inside the page must hold the same
 * documents, and a run cut by the page's start or end must have the same size (which documents of a
 * tie fill a page edge is the tie-break's choice, primary key on Miroir, internal id on one node).
 */
import { isDeepStrictEqual } from 'node:util';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Hit = Record<string, unknown> & { id?: unknown; _rankingScoreDetails?: unknown };
export type SearchAnswer = Record<string, unknown> & { hits: Hit[] };

interface Run {
  details: string;
  ids: string[];
}

/** The document's id, or its whole content when the query did not retrieve the id. */
function identity(hit: Hit): string {
  if (hit.id !== undefined) return String(hit.id);
  const { _rankingScoreDetails: _d, _rankingScore: _s, ...rest } = hit;
  return JSON.stringify(rest);
}

function runs(hits: Hit[]): Run[] {
  const out: Run[] = [];
  for (const hit of hits) {
    const details = JSON.stringify(hit._rankingScoreDetails ?? null);
    const last = out.at(-1);
    if (last && last.details === details) last.ids.push(identity(hit));
    else out.push({ details, ids: [identity(hit)] });
  }
  return out;
}

export interface CompareOptions {
  /** The page may start inside a run (offset > 0 or page > 1). */
  cutAtStart: boolean;
  /** The page is full, so its last run may continue past it. */
  cutAtEnd: boolean;
  /** Answer fields not compared (e.g. totals under distinct, see the test). */
  ignore?: readonly string[];
}

export function compareSearch(
  gateway: SearchAnswer,
  direct: SearchAnswer,
  options: CompareOptions,
): string[] {
  const problems: string[] = [];
  const ignored = new Set(['hits', 'processingTimeMs', 'requestUid', ...(options.ignore ?? [])]);
  // Each answer has its own request uid: both sides must carry one (unless the caller ignores it).
  const checkUid = !(options.ignore ?? []).includes('requestUid');
  const sides = [
    ['gateway', gateway],
    ['node', direct],
  ] as const;
  for (const [side, answer] of checkUid ? sides : []) {
    if (typeof answer.requestUid !== 'string' || !UUID.test(answer.requestUid)) {
      problems.push(`requestUid: ${side} answered ${JSON.stringify(answer.requestUid)}`);
    }
  }
  for (const key of new Set([...Object.keys(gateway), ...Object.keys(direct)])) {
    if (ignored.has(key)) continue;
    if (key === 'facetDistribution') {
      problems.push(...compareFacets(gateway[key], direct[key]));
      continue;
    }
    if (!isDeepStrictEqual(gateway[key], direct[key])) {
      problems.push(
        `${key}: gateway ${JSON.stringify(gateway[key])} vs node ${JSON.stringify(direct[key])}`,
      );
    }
  }
  const g = runs(gateway.hits);
  const d = runs(direct.hits);
  const shape = (rs: Run[]) => rs.map((r) => `${r.ids.length}×${r.details}`);
  if (!isDeepStrictEqual(shape(g), shape(d))) {
    problems.push(
      `hits: ranking runs differ: gateway ${JSON.stringify(gateway.hits.map(identity))} ` +
        `vs node ${JSON.stringify(direct.hits.map(identity))}`,
    );
    return problems;
  }
  for (let i = 0; i < g.length; i++) {
    const edge = (i === 0 && options.cutAtStart) || (i === g.length - 1 && options.cutAtEnd);
    if (edge) continue;
    const a = [...g[i]!.ids].sort();
    const b = [...d[i]!.ids].sort();
    if (!isDeepStrictEqual(a, b)) {
      problems.push(
        `hits: run ${i} holds ${JSON.stringify(a)} on the gateway vs ${JSON.stringify(b)}`,
      );
    }
  }
  // The same document must come back identical (fields, _formatted, ranking details).
  const key = (h: Hit) => `${identity(h)} ${JSON.stringify(h._rankingScoreDetails)}`;
  const byId = new Map(direct.hits.map((h) => [key(h), h]));
  for (const hit of gateway.hits) {
    const other = byId.get(key(hit));
    if (other && !isDeepStrictEqual(hit, other)) {
      problems.push(`hit ${identity(hit)}: ${JSON.stringify(hit)} vs ${JSON.stringify(other)}`);
    }
  }
  return problems;
}

type Distribution = Record<string, Record<string, number>> | undefined;

/** Facet by facet, only the values that differ (and the order of values, which clients see). */
function compareFacets(gateway: unknown, direct: unknown): string[] {
  const g = gateway as Distribution;
  const d = direct as Distribution;
  if (!g || !d)
    return g === d
      ? []
      : [`facetDistribution: gateway ${JSON.stringify(g)} vs node ${JSON.stringify(d)}`];
  const problems: string[] = [];
  for (const facet of new Set([...Object.keys(g), ...Object.keys(d)])) {
    const a = g[facet] ?? {};
    const b = d[facet] ?? {};
    const values = new Set([...Object.keys(a), ...Object.keys(b)]);
    const diff = [...values].filter((v) => a[v] !== b[v]).map((v) => `${v}: ${a[v]} vs ${b[v]}`);
    if (diff.length > 0) {
      problems.push(
        `facetDistribution.${facet} (gateway ${Object.keys(a).length} values, node ${Object.keys(b).length}): ${diff.slice(0, 8).join(', ')}`,
      );
    }
  }
  return problems;
}
