import { Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import {
  asObject,
  queryInteger,
  queryList,
  queryValue,
  rejectUnknown,
  type Document,
  type Query,
} from '#lib/meili-api';
import { HttpNodeClient, NodeApiError, type Page } from '#lib/node-client';
import { coveringSet, RESERVED_PREFIX, shardFilter, shardOf } from '#lib/routing';
import { CatalogService } from '../indexes/catalog.service.js';
import { TopologyService } from '../infra/topology.service.js';
import { andFilters } from '../search/search-context.service.js';

const BROWSE_FIELDS = ['offset', 'limit', 'fields', 'filter', 'ids', 'retrieveVectors', 'sort'];

/** Removes Miroir's reserved fields from a stored document. */
export function stripReserved(doc: Document): Document {
  for (const key of Object.keys(doc)) if (key.startsWith(RESERVED_PREFIX)) delete doc[key];
  return doc;
}

/**
 * Document reads: one owner of the document's shard for `GET …/documents/{id}`; browsing pages
 * through one fixed copy of every shard (nodes in id order, each node's own order inside), so
 * consecutive pages neither skip nor repeat documents.
 */
@Injectable()
export class DocumentReadsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly topology: TopologyService,
    private readonly nodes: HttpNodeClient,
  ) {}

  async getOne(uid: string, id: string, query: Query): Promise<Document> {
    rejectUnknown(query, ['fields', 'retrieveVectors'], 'parameter');
    const index = await this.catalog.get(uid);
    const placement = await this.topology.placement(index.nodeUid);
    if (!placement)
      throw new MeiliError('miroir_not_ready', `Index \`${uid}\` has no placement yet.`);
    const topology = await this.topology.current();
    const shard = shardOf(id, placement.shards);
    const owners = Object.values(placement.groups)
      .flatMap((copies) => copies[shard]!.owners)
      .filter((n) => this.topology.isReadable(topology, n));
    const fields = queryList(query, 'fields');
    let lastError: unknown = new MeiliError(
      'miroir_shard_unavailable',
      `Shard ${shard} has no reachable copy.`,
    );
    for (const nodeId of owners) {
      try {
        return stripReserved(await this.nodes.getDocument(nodeId, index.nodeUid, id, fields));
      } catch (err) {
        if (err instanceof NodeApiError) throw err; // document_not_found and the like: the answer
        lastError = err;
      }
    }
    throw lastError;
  }

  async browse(uid: string, params: Record<string, unknown>): Promise<Page<Document>> {
    rejectUnknown(params, BROWSE_FIELDS, 'parameter');
    const index = await this.catalog.get(uid);
    const placement = await this.topology.placement(index.nodeUid);
    if (!placement)
      throw new MeiliError('miroir_not_ready', `Index \`${uid}\` has no placement yet.`);
    const offset = asCount(params.offset, 'invalid_document_offset') ?? 0;
    const limit = asCount(params.limit, 'invalid_document_limit') ?? 20;
    const topology = await this.topology.current();
    // A fixed choice of copies (rotation 0), so paging is stable across requests.
    const { group } = this.topology.nextRead(topology);
    const cover = coveringSet({
      placement,
      group,
      rotation: 0,
      isHealthy: (n) => this.topology.isReadable(topology, n),
    });
    const requests = [...cover.requests].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
    const fields = params.fields as string[] | undefined;
    const pk = index.primaryKey ?? 'id';
    const replies = await Promise.all(
      requests.map((r) =>
        this.nodes.fetchDocuments(r.nodeId, index.nodeUid, {
          ...params,
          offset: 0,
          limit: offset + limit,
          fields: fields && !fields.includes('*') ? [...new Set([...fields, pk])] : fields,
          filter: andFilters(shardFilter(r.shards), params.filter),
        }),
      ),
    );
    const all = replies.flatMap((r) => r.results);
    const total = replies.reduce((n, r) => n + r.total, 0);
    const page = all.slice(offset, offset + limit).map((doc) => {
      stripReserved(doc);
      if (fields && !fields.includes('*') && !fields.includes(pk)) delete doc[pk];
      return doc;
    });
    return { results: page, offset, limit, total };
  }

  /** GET …/documents: query-string parameters decoded into the fetch body's shape. */
  browseQuery(uid: string, query: Query): Promise<Page<Document>> {
    rejectUnknown(query, BROWSE_FIELDS, 'parameter');
    const params: Record<string, unknown> = {};
    const offset = queryInteger(query, 'offset', 'invalid_document_offset');
    const limit = queryInteger(query, 'limit', 'invalid_document_limit');
    if (offset !== undefined) params.offset = offset;
    if (limit !== undefined) params.limit = limit;
    const fields = queryList(query, 'fields');
    if (fields) params.fields = fields;
    const filter = queryValue(query, 'filter');
    if (filter !== undefined) params.filter = filter;
    const ids = queryList(query, 'ids');
    if (ids) params.ids = ids;
    return this.browse(uid, params);
  }

  browseBody(uid: string, body: unknown): Promise<Page<Document>> {
    return this.browse(uid, asObject(body));
  }
}

function asCount(value: unknown, code: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new MeiliError(
    code,
    `Invalid value type: expected a positive integer, but found \`${JSON.stringify(value)}\``,
  );
}
