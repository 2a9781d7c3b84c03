import { createHash } from 'node:crypto';
import { isNodeDown, NodeApiError, type NodeError } from '#lib/node-client';
import type { SearchContext } from '#lib/search';

/**
 * Which copies a read uses: chosen from `key` (the request without its paging), so every page of
 * one query reads the same copies and pages never overlap or skip, while different queries spread
 * over the replicas. `exclude` holds nodes that failed during this request.
 */
export interface CopyChoice {
  rotation: number;
  exclude: ReadonlySet<string>;
}

/** An index's search context with its covering set chosen as `choice` says. */
export type ContextSource = (indexUid: string, choice: CopyChoice) => Promise<SearchContext>;

/** Sends a scattered answer: `X-Miroir-Degraded` when shards were left out, then the body. */
export function sendScattered<T>(
  reply: { header(name: string, value: string): unknown },
  answer: ScatterAnswer<T>,
): T {
  if (answer.degraded) reply.header('X-Miroir-Degraded', answer.degraded);
  return answer.body;
}

/** One attempt's answer and the shards it could not cover (policy `partial`). */
export interface Scattered<T> {
  body: T;
  uncoveredShards: readonly number[];
}

export interface ScatterAnswer<T> {
  body: T;
  /** `X-Miroir-Degraded: shards=…` when some shards were not covered. */
  degraded?: string;
}

/** Loads contexts for one attempt, with the attempt's copy choice. */
export type ContextLookup = (indexUid: string) => Promise<SearchContext>;

/** Attempts per request: the first, then one per node that failed mid-request. */
const MAX_ATTEMPTS = 4;

/**
 * The one executor of reads that fan out (search, facet search, multi-search, browse, stats): an
 * attempt plans over covering sets from `lookup` and calls the nodes; a node that fails (down,
 * timeout, a 5xx answer) is left out and the read planned again over the other copies. A node's
 * 4xx answer is the answer.
 */
export class ScatterExecutor {
  constructor(
    private readonly contexts: ContextSource,
    private readonly onPartial: (shards: number) => void = () => undefined,
  ) {}

  async run<T>(
    key: string,
    attempt: (lookup: ContextLookup) => Promise<Scattered<T>>,
  ): Promise<ScatterAnswer<T>> {
    const rotation = rotationOf(key);
    const exclude = new Set<string>();
    for (let n = 1; ; n++) {
      try {
        const out = await attempt((uid) => this.contexts(uid, { rotation, exclude }));
        const uncovered = [...new Set(out.uncoveredShards)].sort((a, b) => a - b);
        if (uncovered.length === 0) return { body: out.body };
        this.onPartial(uncovered.length);
        return { body: out.body, degraded: `shards=${uncovered.join(',')}` };
      } catch (err) {
        if (!isNodeTrouble(err) || n >= MAX_ATTEMPTS || exclude.has(err.nodeId)) throw err;
        exclude.add(err.nodeId);
      }
    }
  }
}

/** A failure of the node rather than of the request: another copy may answer. */
export function isNodeTrouble(err: unknown): err is NodeError {
  return isNodeDown(err) || (err instanceof NodeApiError && err.status >= 500);
}

/** A stable number from a read's key (32 bits of its MD5). */
export function rotationOf(key: string): number {
  return createHash('md5').update(key).digest().readUInt32BE(0);
}

const PAGING = new Set(['offset', 'limit', 'page', 'hitsPerPage']);

/**
 * The key of a query without its paging: the same search asked for page 1 and page 7 reads the
 * same copies. Object keys are sorted, so clients that order them differently agree.
 */
export function readKey(scope: string, query: unknown): string {
  return `${scope}\n${canonical(query, true)}`;
}

function canonical(value: unknown, top: boolean): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !(top && PAGING.has(k)))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, false)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
