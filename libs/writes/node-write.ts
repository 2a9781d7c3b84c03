import type { HttpMethod, QueryValue } from '#lib/node-client';

/**
 * One write to one node as plain data: sent at once by the gateway, or stored as a hint and
 * replayed later by the rebalancer exactly as recorded.
 */
export interface NodeWrite {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body (small bodies: settings, ids, filters). */
  body?: unknown;
  /** Pre-serialised body (document batches), with its content type. */
  rawBody?: string;
  contentType?: string;
}
