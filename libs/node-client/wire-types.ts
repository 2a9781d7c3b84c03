/**
 * The Meilisearch wire shapes Miroir reads (emulator.md §2). Only the fields Miroir looks at are
 * typed; everything else passes through untouched.
 */

/** Meilisearch's filter: a string, or an array whose items are AND-ed (inner arrays OR-ed). */
export type Filter = string | (string | string[])[];

/** One ranking rule's entry in `_rankingScoreDetails`. */
export interface RankingRuleDetail {
  /** 0-based position among the rules that ran. */
  order: number;
  /** Present for words, typo, proximity, attribute, exactness. */
  score?: number;
  /** Present for `field:asc|desc` sort rules: number, normalised string, or null if missing. */
  value?: unknown;
  [field: string]: unknown;
}

export type RankingScoreDetails = Record<string, RankingRuleDetail>;

export interface Hit {
  _rankingScore?: number;
  _rankingScoreDetails?: RankingScoreDetails;
  _formatted?: Record<string, unknown>;
  _federation?: { indexUid: string; queriesPosition: number; weightedRankingScore: number };
  [field: string]: unknown;
}

export type FacetDistribution = Record<string, Record<string, number>>;
export type FacetStats = Record<string, { min: number; max: number }>;

export interface SearchRequest {
  q?: string | null;
  offset?: number;
  limit?: number;
  page?: number;
  hitsPerPage?: number;
  filter?: Filter | null;
  facets?: string[] | null;
  attributesToRetrieve?: string[] | null;
  sort?: string[] | null;
  distinct?: string | null;
  showRankingScore?: boolean;
  showRankingScoreDetails?: boolean;
  [param: string]: unknown;
}

export interface SearchReply {
  hits: Hit[];
  query: string;
  processingTimeMs: number;
  offset?: number;
  limit?: number;
  estimatedTotalHits?: number;
  page?: number;
  hitsPerPage?: number;
  totalHits?: number;
  totalPages?: number;
  facetDistribution?: FacetDistribution;
  facetStats?: FacetStats;
  requestUid?: string;
  [field: string]: unknown;
}

export interface MultiSearchRequest {
  queries: (SearchRequest & { indexUid: string })[];
  federation?: Record<string, unknown> | null;
}

export interface MultiSearchReply {
  results: (SearchReply & { indexUid: string })[];
}

export interface FacetSearchRequest {
  facetName: string;
  facetQuery?: string | null;
  q?: string | null;
  filter?: Filter | null;
  [param: string]: unknown;
}

export interface FacetHit {
  value: string;
  count: number;
}

export interface FacetSearchReply {
  facetHits: FacetHit[];
  facetQuery: string | null;
  processingTimeMs: number;
}

/** The 202 answer to every write (Meilisearch's grammar owns it). */
export type { TaskSummary } from '#lib/meili-api';

export interface NodeTask {
  uid: number;
  batchUid: number | null;
  indexUid: string | null;
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  type: string;
  canceledBy: number | null;
  details: Record<string, unknown> | null;
  error: { message: string; code: string; type: string; link: string } | null;
  duration: string | null;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set by the writer on document tasks (Meilisearch ≥ 1.26). */
  customMetadata?: string | null;
}

/** GET /tasks: a page of tasks, newest first unless `reverse`. */
export interface NodeTaskPage {
  results: NodeTask[];
  total: number;
  limit: number;
  from: number | null;
  next: number | null;
}

export interface IndexInfo {
  uid: string;
  createdAt: string;
  updatedAt: string;
  primaryKey: string | null;
}

export interface Page<T> {
  results: T[];
  offset: number;
  limit: number;
  total: number;
}
