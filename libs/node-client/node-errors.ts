import { MeiliError, type ErrorObject } from '#lib/errors';

/** Base of every failure of a call to a node; carries the node and the route for logs. */
export abstract class NodeError extends Error {
  constructor(
    readonly nodeId: string,
    readonly route: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The node did not answer within the per-request timeout. Counts against its health. */
export class NodeTimeoutError extends NodeError {
  override readonly name = 'NodeTimeoutError';
  constructor(
    nodeId: string,
    route: string,
    readonly timeoutMs: number,
  ) {
    super(nodeId, route, `node ${nodeId} did not answer ${route} within ${timeoutMs} ms`);
  }
}

/**
 * The node could not be reached (refused, reset, DNS) or answered something that is not
 * Meilisearch (5xx or non-JSON without an error object, e.g. from a proxy). Counts against health.
 */
export class NodeUnavailableError extends NodeError {
  override readonly name = 'NodeUnavailableError';
  constructor(
    nodeId: string,
    route: string,
    readonly reason: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(nodeId, route, `node ${nodeId} unavailable for ${route}: ${reason}`, options);
  }
}

/**
 * The node answered with Meilisearch's error object. The node is healthy; the body is kept
 * unchanged so the gateway can pass it through to the client.
 */
export class NodeApiError extends NodeError {
  override readonly name = 'NodeApiError';
  constructor(
    nodeId: string,
    route: string,
    readonly status: number,
    readonly body: ErrorObject,
  ) {
    super(
      nodeId,
      route,
      `node ${nodeId} refused ${route}: ${status} ${body.code}: ${body.message}`,
    );
  }

  /**
   * The same error naming the client's index where the node named its own (node-side indexes have
   * per-incarnation names: ``Index `movies-2`: …`` must read ``Index `movies`: …``).
   */
  forIndex(nodeUid: string, uid: string): NodeApiError {
    const message = clientFacingMessage(this.body.message, { nodeUid, uid });
    if (message === this.body.message) return this;
    return new NodeApiError(this.nodeId, this.route, this.status, { ...this.body, message });
  }

  /** The same error as the client-facing MeiliError (same code, type, status). */
  toMeiliError(): MeiliError {
    return MeiliError.fromObject(this.body, this.status);
  }
}

/** Whether a failure says the node itself is in trouble (as opposed to the request). */
export function isNodeDown(error: unknown): error is NodeTimeoutError | NodeUnavailableError {
  return error instanceof NodeTimeoutError || error instanceof NodeUnavailableError;
}

/** Meilisearch's error object: the four string fields every node error carries. */
export function isErrorObject(value: unknown): value is ErrorObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    typeof v.type === 'string' &&
    typeof v.link === 'string'
  );
}

/**
 * A node's error message as a client of one Meilisearch would read it: Miroir's reserved `_miroir_*`
 * names taken out of the diagnostic line (nodes list `_miroir_shard` among filterable attributes;
 * the position line quotes the client's own filter), and the node-side index name (per incarnation)
 * replaced by the client's.
 */
export function clientFacingMessage(
  message: string,
  index?: { nodeUid: string; uid: string },
): string {
  let out = message;
  if (out.includes('_miroir_')) {
    const cut = out.indexOf('\n');
    const head = cut < 0 ? out : out.slice(0, cut);
    const tail = cut < 0 ? '' : out.slice(cut);
    out =
      head
        .replace(
          /Available filterable attribute patterns are: `_miroir_\w*`\./,
          'This index does not have configured filterable attributes.',
        )
        .replace(/`_miroir_\w*`, /g, '')
        .replace(/, `_miroir_\w*`/g, '') + tail;
  }
  if (index && index.nodeUid !== index.uid) {
    out = out.split(`\`${index.nodeUid}\``).join(`\`${index.uid}\``);
  }
  return out;
}
