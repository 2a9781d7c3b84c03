import { Pool } from 'undici';
import { parseExact } from '#lib/meili-api';
import {
  NodeApi,
  queryString,
  type HttpMethod,
  type NodeResponse,
  type RequestOptions,
} from './node-api.js';
import {
  isErrorObject,
  NodeApiError,
  NodeError,
  NodeTimeoutError,
  NodeUnavailableError,
} from './node-errors.js';
import type { NodeHealth } from './node-health.js';

export interface NodeEndpoint {
  id: string;
  /** Base URL; a path prefix (behind a proxy) is kept. */
  url: string;
}

/** One finished call, for metrics: `status` is the HTTP status or how the call failed. */
export interface RequestMetric {
  nodeId: string;
  route: string;
  method: HttpMethod;
  status: number | 'timeout' | 'unavailable' | 'aborted';
  durationMs: number;
}

export interface HttpNodeClientOptions {
  nodes?: readonly NodeEndpoint[];
  /** Sent as `Authorization: Bearer`; clients never see it. */
  nodeKey?: string;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Connections per node (default 16). */
  connections?: number;
  /**
   * Idle keep-alive (default 4 s, undici's): below actix-web's 5 s, so Miroir never reuses a
   * socket the node is closing, which would fail a non-idempotent POST.
   */
  keepAliveTimeoutMs?: number;
  /** Timeouts and unreachable nodes are reported here; any Meilisearch answer clears them. */
  health?: NodeHealth;
  onRequest?: (metric: RequestMetric) => void;
  now?: () => number;
}

interface NodePool {
  url: string;
  pool: Pool;
  basePath: string;
}

/** The HTTP client: one keep-alive undici Pool per node, pipelining 1. */
export class HttpNodeClient extends NodeApi {
  private readonly pools = new Map<string, NodePool>();
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private nodeKey: string | undefined;

  constructor(private readonly options: HttpNodeClientOptions = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
    this.nodeKey = options.nodeKey;
    this.setNodes(options.nodes ?? []);
  }

  /** Follows the topology: opens pools for new or moved nodes, closes those of departed ones. */
  setNodes(nodes: readonly NodeEndpoint[]): void {
    const wanted = new Map(nodes.map((n) => [n.id, n.url]));
    for (const [id, p] of this.pools) {
      if (wanted.get(id) !== p.url) {
        this.pools.delete(id);
        void p.pool.close().catch(() => undefined);
      }
    }
    for (const [id, url] of wanted) {
      if (this.pools.has(id)) continue;
      const u = new URL(url);
      const pool = new Pool(u.origin, {
        connections: this.options.connections ?? 16,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 4000,
      });
      this.pools.set(id, { url, pool, basePath: u.pathname.replace(/\/+$/, '') });
    }
  }

  /** The key for every later call (a rotated node key); calls in flight keep theirs. */
  setNodeKey(key: string | undefined): void {
    this.nodeKey = key;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.pool.close()));
  }

  request<T>(nodeId: string, method: HttpMethod, path: string, options: RequestOptions = {}) {
    return this.send(nodeId, method, path, options, 'json') as Promise<NodeResponse<T>>;
  }

  /** The body as text, unparsed: for benchmarks that measure parsing separately. */
  requestText(nodeId: string, method: HttpMethod, path: string, options: RequestOptions = {}) {
    return this.send(nodeId, method, path, options, 'text') as Promise<NodeResponse<string>>;
  }

  private async send(
    nodeId: string,
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    as: 'json' | 'text',
  ): Promise<NodeResponse<unknown>> {
    const route = options.route ?? 'request';
    const node = this.pools.get(nodeId);
    if (!node) throw new NodeUnavailableError(nodeId, route, 'unknown node');
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = {};
    const key = options.key ?? this.nodeKey;
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | Buffer | Uint8Array | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }

    const started = this.now();
    let status: RequestMetric['status'] = 'unavailable';
    try {
      const res = await node.pool.request({
        method,
        path: node.basePath + path + queryString(options.query),
        headers,
        body,
        signal,
      });
      status = res.statusCode;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const parsed = await readBody(res, as, nodeId, route);
        this.options.health?.recordSuccess(nodeId);
        return { status: res.statusCode, body: parsed };
      }
      const text = await res.body.text();
      const error = parseJson(text);
      if (isErrorObject(error)) {
        this.options.health?.recordSuccess(nodeId);
        throw new NodeApiError(nodeId, route, res.statusCode, error);
      }
      throw new NodeUnavailableError(
        nodeId,
        route,
        `HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
        res.statusCode,
      );
    } catch (e) {
      const error = this.classify(e, nodeId, route, timeoutMs, timeout, options.signal);
      if (error instanceof NodeTimeoutError) status = 'timeout';
      else if (error instanceof NodeUnavailableError && error.status === null)
        status = 'unavailable';
      else if (!(error instanceof NodeError)) status = 'aborted';
      if (error instanceof NodeTimeoutError || error instanceof NodeUnavailableError) {
        this.options.health?.recordFailure(nodeId);
      }
      throw error;
    } finally {
      this.options.onRequest?.({ nodeId, route, method, status, durationMs: this.now() - started });
    }
  }

  private classify(
    e: unknown,
    nodeId: string,
    route: string,
    timeoutMs: number,
    timeout: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): unknown {
    if (e instanceof NodeError) return e;
    // The caller gave up: not the node's fault; surface the caller's reason.
    if (callerSignal?.aborted) return callerSignal.reason ?? e;
    if (timeout.aborted) return new NodeTimeoutError(nodeId, route, timeoutMs);
    const code = (e as { code?: string }).code;
    return new NodeUnavailableError(
      nodeId,
      route,
      code ?? String((e as Error).message ?? e),
      null,
      {
        cause: e,
      },
    );
  }
}

async function readBody(
  res: Awaited<ReturnType<Pool['request']>>,
  as: 'json' | 'text',
  nodeId: string,
  route: string,
): Promise<unknown> {
  if (as === 'text') return res.body.text();
  if (res.statusCode === 204) {
    await res.body.dump();
    return null;
  }
  try {
    // Integers beyond 2^53 (document ids, values) stay exact on their way to the client.
    return parseExact(await res.body.text());
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new NodeUnavailableError(nodeId, route, 'answer is not JSON', res.statusCode);
    }
    throw e;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
