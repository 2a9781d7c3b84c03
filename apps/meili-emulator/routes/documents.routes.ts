/** /indexes/{uid}/documents… (emulator.md §1.1): additions, browse, fetch, get one, deletions. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import { checkAction } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import {
  asObject,
  describeValue,
  queryBoolean,
  queryInteger,
  queryList,
  queryValue,
  rejectUnknown,
  type Query,
} from '#lib/meili-api';
import { documentsBody, hasBigInt, jsonBody, parseDeleteByFilter } from '#lib/meili-api';
import { accepted, indexParam, param, queryOf, route } from '../http/route-helpers.js';
import { requestedId } from '../state/document-ids.js';

const ADD_PARAMS = ['primaryKey', 'csvDelimiter', 'customMetadata', 'skipCreation'];
const BROWSE_PARAMS = ['offset', 'limit', 'fields', 'filter', 'ids', 'sort', 'retrieveVectors'];

/** GET …/documents query → the engine's browse parameters; typed errors before the index lookup. */
function browseParams(query: Query): Record<string, unknown> {
  rejectUnknown(query, BROWSE_PARAMS, 'parameter');
  const params: Record<string, unknown> = {
    offset: queryInteger(query, 'offset', 'invalid_document_offset'),
    limit: queryInteger(query, 'limit', 'invalid_document_limit'),
    fields: queryList(query, 'fields'),
    filter: queryValue(query, 'filter'),
    ids: queryList(query, 'ids'),
    sort: queryList(query, 'sort'),
    retrieveVectors: queryBoolean(query, 'retrieveVectors', 'invalid_document_retrieve_vectors'),
  };
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

/** Keeps the requested top-level fields (dotted paths keep the nested value) of one document. */
function project(
  doc: Record<string, unknown>,
  fields: string[] | undefined,
): Record<string, unknown> {
  if (!fields || fields.includes('*')) return doc;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (field in doc) out[field] = doc[field];
    else {
      const [head, ...rest] = field.split('.');
      const nested = doc[head!];
      if (
        rest.length > 0 &&
        nested !== null &&
        typeof nested === 'object' &&
        !Array.isArray(nested)
      ) {
        const inner = project(nested as Record<string, unknown>, [rest.join('.')]);
        if (Object.keys(inner).length > 0)
          out[head!] = { ...((out[head!] as object) ?? {}), ...inner };
      }
    }
  }
  return out;
}

function addDocuments(node: Emulator, mode: 'replace' | 'update') {
  return (request: FastifyRequest, reply: Parameters<typeof accepted>[0]) => {
    const uid = indexParam(request);
    const query = queryOf(request);
    rejectUnknown(query, ADD_PARAMS, 'parameter');
    const primaryKey = queryValue(query, 'primaryKey') ?? null;
    const csvDelimiter = queryValue(query, 'csvDelimiter') ?? ',';
    if (csvDelimiter.length !== 1 || csvDelimiter.charCodeAt(0) > 127) {
      throw new MeiliError(
        'invalid_document_csv_delimiter',
        'Invalid value in parameter `csvDelimiter`: expected a single ASCII character.',
      );
    }
    if (!node.state.indexes.has(uid)) checkAction(request.principal, 'indexes.create');
    const documents = documentsBody(request.headers, request.body, csvDelimiter);
    if (!node.holdsBigInts && hasBigInt(documents)) node.holdsBigInts = true;
    const details = { receivedDocuments: documents.length, indexedDocuments: null };
    return accepted(
      reply,
      node.enqueue(
        'documentAdditionOrUpdate',
        uid,
        details,
        { kind: 'documents', documents, mode, primaryKey },
        queryValue(query, 'customMetadata'),
      ),
    );
  };
}

export function registerDocumentRoutes(app: FastifyInstance, node: Emulator): void {
  route(
    app,
    'POST',
    '/indexes/:indexUid/documents',
    'documents.add',
    addDocuments(node, 'replace'),
  );
  route(app, 'PUT', '/indexes/:indexUid/documents', 'documents.add', addDocuments(node, 'update'));

  route(app, 'GET', '/indexes/:indexUid/documents', 'documents.get', (request) => {
    const uid = indexParam(request);
    const params = browseParams(queryOf(request));
    return node.state.get(uid).engine.browse(params);
  });

  route(app, 'POST', '/indexes/:indexUid/documents/fetch', 'documents.get', (request) => {
    const uid = indexParam(request);
    const body = asObject(jsonBody(request.headers, request.body));
    return node.state.get(uid).engine.browse(body);
  });

  route(app, 'GET', '/indexes/:indexUid/documents/:documentId', 'documents.get', (request) => {
    const uid = indexParam(request);
    const query = queryOf(request);
    rejectUnknown(query, ['fields', 'retrieveVectors'], 'parameter');
    queryBoolean(query, 'retrieveVectors', 'invalid_document_retrieve_vectors');
    const fields = queryList(query, 'fields');
    const id = param(request, 'documentId');
    const doc = node.state.get(uid).engine.get(id);
    if (!doc) throw new MeiliError('document_not_found', `Document \`${id}\` not found.`);
    return project(doc, fields);
  });

  route(
    app,
    'DELETE',
    '/indexes/:indexUid/documents/:documentId',
    'documents.delete',
    (request, reply) => {
      const uid = indexParam(request);
      const ids = [param(request, 'documentId')];
      const details = { providedIds: 1, deletedDocuments: null, originalFilter: null };
      return accepted(
        reply,
        node.enqueue(
          'documentDeletion',
          uid,
          details,
          { kind: 'deleteIds', ids },
          queryValue(queryOf(request), 'customMetadata'),
        ),
      );
    },
  );

  route(
    app,
    'POST',
    '/indexes/:indexUid/documents/delete-batch',
    'documents.delete',
    (request, reply) => {
      const uid = indexParam(request);
      const body = jsonBody(request.headers, request.body);
      if (!Array.isArray(body))
        throw new MeiliError(
          'malformed_payload',
          `The json payload provided is malformed: expected an array of document ids, but found ${describeValue(body)}.`,
        );
      const ids = body.map(requestedId);
      const details = { providedIds: ids.length, deletedDocuments: null, originalFilter: null };
      return accepted(
        reply,
        node.enqueue(
          'documentDeletion',
          uid,
          details,
          { kind: 'deleteIds', ids },
          queryValue(queryOf(request), 'customMetadata'),
        ),
      );
    },
  );

  route(
    app,
    'POST',
    '/indexes/:indexUid/documents/delete',
    'documents.delete',
    (request, reply) => {
      const uid = indexParam(request);
      const filter = parseDeleteByFilter(jsonBody(request.headers, request.body));
      const details = {
        providedIds: 0,
        deletedDocuments: null,
        originalFilter: JSON.stringify(filter),
      };
      return accepted(
        reply,
        node.enqueue(
          'documentDeletion',
          uid,
          details,
          { kind: 'deleteFilter', filter },
          queryValue(queryOf(request), 'customMetadata'),
        ),
      );
    },
  );

  route(app, 'DELETE', '/indexes/:indexUid/documents', 'documents.delete', (request, reply) => {
    const uid = indexParam(request);
    return accepted(
      reply,
      node.enqueue(
        'documentDeletion',
        uid,
        { deletedDocuments: null },
        { kind: 'deleteAll' },
        queryValue(queryOf(request), 'customMetadata'),
      ),
    );
  });

  route(app, 'POST', '/indexes/:indexUid/documents/edit', 'documents.*', () => {
    throw new MeiliError(
      'feature_not_enabled',
      'Using the documents edit route requires enabling the `edit documents by function` experimental feature.',
    );
  });
}
