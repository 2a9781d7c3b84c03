import type {
  FacetSearchReply,
  FacetSearchRequest,
  Filter,
  IndexInfo,
  MultiSearchReply,
  MultiSearchRequest,
  NodeTask,
  NodeTaskPage,
  Page,
  SearchReply,
  SearchRequest,
  TaskSummary,
} from './wire-types.js';
import { nodeWriteRequest, type NodeWrite } from './node-writes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue =
  string | number | boolean | readonly (string | number)[] | undefined | null;

/** Per-call options every helper accepts. */
export interface CallOptions {
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number;
  /** Aborts the call (e.g. the client went away); not counted against the node's health. */
  signal?: AbortSignal;
  /** The API key of this call (a scoped search key) instead of the client's node key. */
  key?: string;
}

export interface RequestOptions extends CallOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with `contentType` (document payloads: never re-serialised). */
  rawBody?: Buffer | Uint8Array | string;
  contentType?: string;
  /** Low-cardinality label for metrics and logs, e.g. `search`; the helpers set it. */
  route?: string;
}

export interface NodeResponse<T> {
  status: number;
  body: T;
}

/** Settings sub-routes Meilisearch updates with PATCH (merge); every other one uses PUT. */
const PATCH_SETTINGS = new Set(['typo-tolerance', 'faceting', 'pagination', 'embedders']);

const idx = (index: string) => `/indexes/${encodeURIComponent(index)}`;
const settingsPath = (index: string, sub?: string) =>
  `${idx(index)}/settings${sub ? `/${encodeURIComponent(sub)}` : ''}`;

/**
 * Meilisearch's API as Miroir uses it, over one `request` primitive. The HTTP client and the
 * recording fake both extend it, so executors are tested against the same surface they run on.
 */
export abstract class NodeApi {
  abstract request<T>(
    nodeId: string,
    method: HttpMethod,
    path: string,
    options?: RequestOptions,
  ): Promise<NodeResponse<T>>;

  private async call<T>(
    nodeId: string,
    method: HttpMethod,
    path: string,
    route: string,
    options: RequestOptions = {},
  ): Promise<T> {
    return (await this.request<T>(nodeId, method, path, { ...options, route })).body;
  }

  search(
    nodeId: string,
    index: string,
    body: SearchRequest,
    o?: CallOptions,
  ): Promise<SearchReply> {
    return this.call(nodeId, 'POST', `${idx(index)}/search`, 'search', { ...o, body });
  }

  multiSearch(
    nodeId: string,
    body: MultiSearchRequest,
    o?: CallOptions,
  ): Promise<MultiSearchReply> {
    return this.call(nodeId, 'POST', '/multi-search', 'multiSearch', { ...o, body });
  }

  facetSearch(
    nodeId: string,
    index: string,
    body: FacetSearchRequest,
    o?: CallOptions,
  ): Promise<FacetSearchReply> {
    return this.call(nodeId, 'POST', `${idx(index)}/facet-search`, 'facetSearch', { ...o, body });
  }

  /** One node write of the log (the node writer's only way to change a node). */
  write(
    nodeId: string,
    write: NodeWrite,
    p: { customMetadata?: string } = {},
    o?: CallOptions,
  ): Promise<TaskSummary> {
    const { method, path, options } = nodeWriteRequest(write, p.customMetadata);
    return this.call(nodeId, method, path, options.route!, { ...options, ...o });
  }

  /** Sends a document payload unchanged (JSON, NDJSON or CSV); PUT updates, POST replaces. */
  addDocuments(
    nodeId: string,
    index: string,
    payload: Buffer | Uint8Array | string,
    p: { contentType: string; primaryKey?: string; method?: 'POST' | 'PUT'; csvDelimiter?: string },
    o?: CallOptions,
  ): Promise<TaskSummary> {
    return this.call(nodeId, p.method ?? 'POST', `${idx(index)}/documents`, 'addDocuments', {
      ...o,
      rawBody: payload,
      contentType: p.contentType,
      query: { primaryKey: p.primaryKey, csvDelimiter: p.csvDelimiter },
    });
  }

  deleteDocument(nodeId: string, index: string, id: string | number, o?: CallOptions) {
    const path = `${idx(index)}/documents/${encodeURIComponent(String(id))}`;
    return this.call<TaskSummary>(nodeId, 'DELETE', path, 'deleteDocument', o);
  }

  deleteDocuments(nodeId: string, index: string, ids: (string | number)[], o?: CallOptions) {
    const path = `${idx(index)}/documents/delete-batch`;
    return this.call<TaskSummary>(nodeId, 'POST', path, 'deleteDocuments', { ...o, body: ids });
  }

  deleteDocumentsByFilter(nodeId: string, index: string, filter: Filter, o?: CallOptions) {
    const path = `${idx(index)}/documents/delete`;
    return this.call<TaskSummary>(nodeId, 'POST', path, 'deleteDocumentsByFilter', {
      ...o,
      body: { filter },
    });
  }

  deleteAllDocuments(nodeId: string, index: string, o?: CallOptions) {
    return this.call<TaskSummary>(
      nodeId,
      'DELETE',
      `${idx(index)}/documents`,
      'deleteAllDocuments',
      o,
    );
  }

  getDocument(
    nodeId: string,
    index: string,
    id: string | number,
    fields?: string[],
    o?: CallOptions,
  ): Promise<Record<string, unknown>> {
    const path = `${idx(index)}/documents/${encodeURIComponent(String(id))}`;
    return this.call(nodeId, 'GET', path, 'getDocument', { ...o, query: { fields } });
  }

  getDocuments(
    nodeId: string,
    index: string,
    query: Record<string, QueryValue>,
    o?: CallOptions,
  ): Promise<Page<Record<string, unknown>>> {
    return this.call(nodeId, 'GET', `${idx(index)}/documents`, 'getDocuments', { ...o, query });
  }

  fetchDocuments(
    nodeId: string,
    index: string,
    body: Record<string, unknown>,
    o?: CallOptions,
  ): Promise<Page<Record<string, unknown>>> {
    const path = `${idx(index)}/documents/fetch`;
    return this.call(nodeId, 'POST', path, 'fetchDocuments', { ...o, body });
  }

  /** All settings, or one sub-route (`ranking-rules`, `faceting`, …). */
  getSettings<T = Record<string, unknown>>(
    nodeId: string,
    index: string,
    sub?: string,
    o?: CallOptions,
  ) {
    return this.call<T>(nodeId, 'GET', settingsPath(index, sub), 'getSettings', o);
  }

  /** PATCH for all settings and the merge sub-routes, PUT for the others, as Meilisearch expects. */
  updateSettings(nodeId: string, index: string, body: unknown, sub?: string, o?: CallOptions) {
    const method = !sub || PATCH_SETTINGS.has(sub) ? 'PATCH' : 'PUT';
    return this.call<TaskSummary>(nodeId, method, settingsPath(index, sub), 'updateSettings', {
      ...o,
      body,
    });
  }

  resetSettings(nodeId: string, index: string, sub?: string, o?: CallOptions) {
    return this.call<TaskSummary>(nodeId, 'DELETE', settingsPath(index, sub), 'resetSettings', o);
  }

  createIndex(nodeId: string, body: { uid: string; primaryKey?: string | null }, o?: CallOptions) {
    return this.call<TaskSummary>(nodeId, 'POST', '/indexes', 'createIndex', { ...o, body });
  }

  updateIndex(
    nodeId: string,
    index: string,
    body: { primaryKey?: string | null },
    o?: CallOptions,
  ) {
    return this.call<TaskSummary>(nodeId, 'PATCH', idx(index), 'updateIndex', { ...o, body });
  }

  deleteIndex(nodeId: string, index: string, o?: CallOptions) {
    return this.call<TaskSummary>(nodeId, 'DELETE', idx(index), 'deleteIndex', o);
  }

  getIndex(nodeId: string, index: string, o?: CallOptions) {
    return this.call<IndexInfo>(nodeId, 'GET', idx(index), 'getIndex', o);
  }

  swapIndexes(nodeId: string, body: { indexes: [string, string] }[], o?: CallOptions) {
    return this.call<TaskSummary>(nodeId, 'POST', '/swap-indexes', 'swapIndexes', { ...o, body });
  }

  /** Index stats, or the node's global stats without an index. */
  stats<T = Record<string, unknown>>(nodeId: string, index?: string, o?: CallOptions) {
    return this.call<T>(nodeId, 'GET', index ? `${idx(index)}/stats` : '/stats', 'stats', o);
  }

  getTask(nodeId: string, uid: number, o?: CallOptions) {
    return this.call<NodeTask>(nodeId, 'GET', `/tasks/${uid}`, 'getTask', o);
  }

  /** `query` uses Meilisearch's task filters, e.g. `{uids: [4, 5], limit: 2}`. */
  listTasks(nodeId: string, query: Record<string, QueryValue>, o?: CallOptions) {
    return this.call<NodeTaskPage>(nodeId, 'GET', '/tasks', 'listTasks', { ...o, query });
  }

  /** `query` uses Meilisearch's task filters, e.g. `{uids: [4, 5]}`. */
  cancelTasks(nodeId: string, query: Record<string, QueryValue>, o?: CallOptions) {
    return this.call<TaskSummary>(nodeId, 'POST', '/tasks/cancel', 'cancelTasks', { ...o, query });
  }

  deleteTasks(nodeId: string, query: Record<string, QueryValue>, o?: CallOptions) {
    return this.call<TaskSummary>(nodeId, 'DELETE', '/tasks', 'deleteTasks', { ...o, query });
  }

  health(nodeId: string, o?: CallOptions) {
    return this.call<{ status: string }>(nodeId, 'GET', '/health', 'health', o);
  }

  version(nodeId: string, o?: CallOptions) {
    return this.call<{ pkgVersion: string; commitSha: string; commitDate: string }>(
      nodeId,
      'GET',
      '/version',
      'version',
      o,
    );
  }

  createKey(nodeId: string, body: Record<string, unknown>, o?: CallOptions) {
    return this.call<Record<string, unknown>>(nodeId, 'POST', '/keys', 'createKey', { ...o, body });
  }

  /** One page of a node's API keys (`GET /keys`). */
  listKeys(nodeId: string, page: { offset: number; limit: number }, o?: CallOptions) {
    return this.call<{ results: Record<string, unknown>[]; total: number }>(
      nodeId,
      'GET',
      '/keys',
      'listKeys',
      { ...o, query: page },
    );
  }

  /** A key by uid or by value (a key may read its own record with `keys.get`). */
  getKey(nodeId: string, uidOrKey: string, o?: CallOptions) {
    const path = `/keys/${encodeURIComponent(uidOrKey)}`;
    return this.call<Record<string, unknown>>(nodeId, 'GET', path, 'getKey', o);
  }

  deleteKey(nodeId: string, uidOrKey: string, o?: CallOptions) {
    const path = `/keys/${encodeURIComponent(uidOrKey)}`;
    return this.call<null>(nodeId, 'DELETE', path, 'deleteKey', o);
  }
}

/** `?a=1&b=x,y` from defined values; arrays are comma lists as Meilisearch reads them. */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    params.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
