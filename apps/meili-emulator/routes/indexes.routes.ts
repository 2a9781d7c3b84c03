/** /indexes, /indexes/{uid}, /indexes/{uid}/stats and /swap-indexes (emulator.md §1.1, §2.4). */
import type { FastifyInstance } from 'fastify';
import { MeiliError } from '#lib/errors';
import { canAccessIndex, checkIndexAccess } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import {
  asObject,
  checkIndexUid,
  jsonBody,
  optionalString,
  parseIndexUpdate,
  parseSwaps,
  queryInteger,
  refuseSwapDuplicates,
  rejectUnknown,
} from '#lib/meili-api';
import { accepted, indexParam, queryOf, route } from '../http/route-helpers.js';
import type { IndexRecord } from '../state/node-state.js';

export function renderIndex(index: IndexRecord): Record<string, unknown> {
  return {
    uid: index.uid,
    createdAt: index.createdAt,
    updatedAt: index.updatedAt,
    primaryKey: index.primaryKey,
  };
}

/** Index stats; sizes are estimates from a sample of documents (never asserted by the suite). */
export function indexStats(node: Emulator, index: IndexRecord): Record<string, unknown> {
  const count = index.engine.size;
  let sampled = 0;
  let bytes = 0;
  for (const { doc } of index.engine.documents()) {
    if (sampled === 100) break;
    bytes += JSON.stringify(doc).length;
    sampled += 1;
  }
  const avgDocumentSize = sampled === 0 ? 0 : Math.round(bytes / sampled);
  return {
    numberOfDocuments: count,
    rawDocumentDbSize: avgDocumentSize * count,
    avgDocumentSize,
    isIndexing: node.queue.isProcessing(index.uid),
    numberOfEmbeddings: 0,
    numberOfEmbeddedDocuments: 0,
    fieldDistribution: index.engine.fieldDistribution(),
  };
}

function primaryKeyField(body: Record<string, unknown>): string | null {
  return optionalString(body, 'primaryKey', 'invalid_index_primary_key') ?? null;
}

export function registerIndexRoutes(app: FastifyInstance, node: Emulator): void {
  route(app, 'GET', '/indexes', 'indexes.get', (request) => {
    const query = queryOf(request);
    rejectUnknown(query, ['offset', 'limit'], 'parameter');
    const offset = queryInteger(query, 'offset', 'invalid_index_offset') ?? 0;
    const limit = queryInteger(query, 'limit', 'invalid_index_limit') ?? 20;
    const visible = node.state
      .sorted()
      .filter((index) => canAccessIndex(request.principal, index.uid));
    return {
      results: visible.slice(offset, offset + limit).map(renderIndex),
      offset,
      limit,
      total: visible.length,
    };
  });

  route(app, 'POST', '/indexes', 'indexes.create', (request, reply) => {
    const body = asObject(jsonBody(request.headers, request.body));
    rejectUnknown(body, ['uid', 'primaryKey'], 'field');
    if (body.uid === undefined) throw new MeiliError('missing_index_uid', 'Missing field `uid`');
    const uid = checkIndexUid(body.uid);
    const primaryKey = primaryKeyField(body);
    checkIndexAccess(request.principal, uid);
    return accepted(
      reply,
      node.enqueue('indexCreation', uid, { primaryKey }, { kind: 'indexCreation', primaryKey }),
    );
  });

  route(app, 'GET', '/indexes/:indexUid', 'indexes.get', (request) =>
    renderIndex(node.state.get(indexParam(request))),
  );

  route(app, 'PATCH', '/indexes/:indexUid', 'indexes.update', (request, reply) => {
    const uid = indexParam(request);
    const { primaryKey, uid: newUid } = parseIndexUpdate(jsonBody(request.headers, request.body));
    const rename = newUid !== null && newUid !== uid ? newUid : null;
    const details = rename ? { primaryKey, oldIndexUid: uid, newIndexUid: rename } : { primaryKey };
    return accepted(
      reply,
      node.enqueue('indexUpdate', uid, details, { kind: 'indexUpdate', primaryKey, rename }),
    );
  });

  route(app, 'DELETE', '/indexes/:indexUid', 'indexes.delete', (request, reply) => {
    const uid = indexParam(request);
    return accepted(
      reply,
      node.enqueue('indexDeletion', uid, { deletedDocuments: null }, { kind: 'indexDeletion' }),
    );
  });

  route(app, 'GET', '/indexes/:indexUid/stats', 'stats.get', (request) =>
    indexStats(node, node.state.get(indexParam(request))),
  );

  route(app, 'POST', '/swap-indexes', 'indexes.swap', (request, reply) => {
    const swaps = parseSwaps(jsonBody(request.headers, request.body));
    for (const { indexes } of swaps)
      indexes.forEach((uid) => checkIndexAccess(request.principal, uid));
    refuseSwapDuplicates(swaps.flatMap((s) => s.indexes));
    return accepted(
      reply,
      node.enqueue('indexSwap', null, { swaps }, { kind: 'indexSwap', swaps }),
    );
  });
}
