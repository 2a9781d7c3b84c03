import { shardOfTag } from '#lib/routing';
import { NodeApi, type HttpMethod, type NodeResponse, type RequestOptions } from './node-api.js';

export interface RecordedCall {
  nodeId: string;
  method: HttpMethod;
  path: string;
  /** The helper's route (`search`, `addDocuments`…) or `METHOD path` for raw requests. */
  op: string;
  options: RequestOptions;
  /** `search meili-2 shards=[3,9] limit=40`: what executor tests assert on. */
  line: string;
}

type Outcome = (call: RecordedCall) => unknown;

interface Rule {
  op: string;
  nodeId: string | undefined;
  outcome: Outcome;
}

/** A reply with a status other than 200. */
export interface ScriptedReply {
  status: number;
  body: unknown;
}

/**
 * Fake node client for executor tests: records every call as a readable line and serves scripted
 * replies and failures. The most recent matching rule wins; a call nothing matches fails loudly.
 */
export class RecordingNodeClient extends NodeApi {
  readonly calls: RecordedCall[] = [];
  private readonly rules: Rule[] = [];

  get log(): string[] {
    return this.calls.map((c) => c.line);
  }

  /** Scripts calls of `op` (to `nodeId`, or to any node). */
  when(op: string, nodeId?: string) {
    const add = (outcome: Outcome) => {
      this.rules.push({ op, nodeId, outcome });
      return this;
    };
    return {
      /** Answers with this body (200), or `{status, body}` via `replyWith`. */
      reply: (body: unknown) => add(() => ({ status: 200, body })),
      replyWith: (reply: ScriptedReply) => add(() => reply),
      /** Rejects with this error (e.g. `new NodeTimeoutError(...)`). */
      fail: (error: Error | ((call: RecordedCall) => Error)) =>
        add((call) => {
          throw typeof error === 'function' ? error(call) : error;
        }),
      /** Computes the body from the call; may be async. */
      respond: (fn: (call: RecordedCall) => unknown) =>
        add(async (call) => ({ status: 200, body: await fn(call) })),
    };
  }

  clear(): void {
    this.calls.length = 0;
  }

  async request<T>(
    nodeId: string,
    method: HttpMethod,
    path: string,
    options: RequestOptions = {},
  ): Promise<NodeResponse<T>> {
    const op = options.route ?? `${method} ${path}`;
    const call: RecordedCall = {
      nodeId,
      method,
      path,
      op,
      options,
      line: describeCall(op, nodeId, options),
    };
    this.calls.push(call);
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (rule.op === op && (rule.nodeId === undefined || rule.nodeId === nodeId)) {
        return (await rule.outcome(call)) as NodeResponse<T>;
      }
    }
    throw new Error(`RecordingNodeClient: no scripted reply for "${call.line}"`);
  }
}

/** The shard restriction of a filter (tags, see `shardFilter`), as written in a JSON string. */
const SHARD_CLAUSE = /_miroir_shard IN \[([^\]]*)\]/;

/** `op node` plus what an executor decides: shards, paging, ids, payload size. */
export function describeCall(op: string, nodeId: string, options: RequestOptions): string {
  const parts = [op, nodeId];
  const body = options.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const filter = JSON.stringify(b.filter ?? '');
    const shards = SHARD_CLAUSE.exec(filter);
    if (shards) {
      const tags = shards[1]!.match(/[^\s,\\"]+/g) ?? [];
      parts.push(`shards=[${tags.map((t) => shardOfTag(t)).join(',')}]`);
    }
    for (const k of ['offset', 'limit', 'page', 'hitsPerPage']) {
      if (b[k] !== undefined) parts.push(`${k}=${JSON.stringify(b[k])}`);
    }
  } else if (Array.isArray(body)) {
    parts.push(`ids=${JSON.stringify(body)}`);
  }
  if (options.rawBody !== undefined) parts.push(`bytes=${Buffer.byteLength(options.rawBody)}`);
  return parts.join(' ');
}
