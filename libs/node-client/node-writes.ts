import type { HttpMethod, QueryValue, RequestOptions } from './node-api.js';

/**
 * Every write Miroir makes to a node, as plain data: the node writer builds them from the log, the
 * node client sends them (`NodeApi.write`), the recording client shows them in tests.
 */
export type NodeWrite =
  | {
      kind: 'documents';
      nodeUid: string;
      /** `replace` = POST (whole documents), `update` = PUT (merged into existing ones). */
      method: 'replace' | 'update';
      primaryKey: string;
      /** Newline-separated one-line JSON documents. */
      ndjson: string;
    }
  | { kind: 'deleteIds'; nodeUid: string; ids: string[] }
  | { kind: 'deleteFilter'; nodeUid: string; filter: unknown }
  | { kind: 'deleteAll'; nodeUid: string }
  | { kind: 'settings'; nodeUid: string; patch: Record<string, unknown> }
  /** A settings update creates a missing index on Meilisearch, with its settings in one task. */
  | { kind: 'createIndex'; nodeUid: string; settings: Record<string, unknown> }
  | { kind: 'deleteIndex'; nodeUid: string };

export interface NodeWriteRequest {
  method: HttpMethod;
  path: string;
  options: RequestOptions;
}

const idx = (uid: string) => `/indexes/${encodeURIComponent(uid)}`;

/**
 * The HTTP request of a node write. `customMetadata` (Meilisearch ≥ 1.26, document routes only)
 * names the log positions a request carries, so a node's own task list says where it came from.
 */
export function nodeWriteRequest(write: NodeWrite, customMetadata?: string): NodeWriteRequest {
  const meta: Record<string, QueryValue> = customMetadata ? { customMetadata } : {};
  switch (write.kind) {
    case 'documents':
      return {
        method: write.method === 'replace' ? 'POST' : 'PUT',
        path: `${idx(write.nodeUid)}/documents`,
        options: {
          route: 'addDocuments',
          query: { primaryKey: write.primaryKey, ...meta },
          rawBody: write.ndjson,
          contentType: 'application/x-ndjson',
        },
      };
    case 'deleteIds':
      return {
        method: 'POST',
        path: `${idx(write.nodeUid)}/documents/delete-batch`,
        options: { route: 'deleteDocuments', query: meta, body: write.ids },
      };
    case 'deleteFilter':
      return {
        method: 'POST',
        path: `${idx(write.nodeUid)}/documents/delete`,
        options: { route: 'deleteDocumentsByFilter', query: meta, body: { filter: write.filter } },
      };
    case 'deleteAll':
      return {
        method: 'DELETE',
        path: `${idx(write.nodeUid)}/documents`,
        options: { route: 'deleteAllDocuments', query: meta },
      };
    case 'settings':
      return {
        method: 'PATCH',
        path: `${idx(write.nodeUid)}/settings`,
        options: { route: 'updateSettings', body: write.patch },
      };
    case 'createIndex':
      return {
        method: 'PATCH',
        path: `${idx(write.nodeUid)}/settings`,
        options: { route: 'createIndex', body: write.settings },
      };
    case 'deleteIndex':
      return { method: 'DELETE', path: idx(write.nodeUid), options: { route: 'deleteIndex' } };
  }
}
