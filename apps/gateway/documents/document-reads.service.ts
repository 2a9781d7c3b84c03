import { andFilterParams } from '#lib/filter';
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
import { RESERVED_PREFIX, shardOf } from '#lib/routing';
import {
  compareBySort,
  kWayMerge,
  parseDocumentSort,
  refuseReservedFilter,
  withShardFilter,
} from '#lib/search';
import { CatalogService } from '../indexes/catalog.service.js';
import { TopologyService } from '../infra/topology.service.js';
import { readKey, ScatterExecutor, type ScatterAnswer } from '../search/scatter.executor.js';
import { clientNamed } from '../search/search.service.js';

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
    private readonly scatter: ScatterExecutor,
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

  async browse(
    uid: string,
    params: Record<string, unknown>,
  ): Promise<ScatterAnswer<Page<Document>>> {
    rejectUnknown(params, BROWSE_FIELDS, 'parameter');
    const offset = asCount(params.offset, 'invalid_document_offset') ?? 0;
    const limit = asCount(params.limit, 'invalid_document_limit') ?? 20;
    // Sorts the gateway cannot read (geo points, bad syntax) go to the nodes as they are.
    const sort = parseDocumentSort(params.sort) ?? [];
    return this.scatter.run(readKey(`browse ${uid}`, params), async (lookup) => {
      const ctx = await lookup(uid);
      refuseReservedFilter(
        params.filter,
        'invalid_document_filter',
        uid,
        ctx.settings.filterableAttributes,
        false,
      );
      const pk = ctx.settings.primaryKey;
      const fields = params.fields as string[] | undefined;
      // The merge needs each document's sort values; fields the client did not ask for go again.
      const needed = [pk, ...sort.map((s) => s.field)];
      const asked = fields && !fields.includes('*') ? fields : undefined;
      // Nodes in id order, each in its own order: the same copies give the same pages (stable).
      const requests = [...ctx.covering.requests].sort((a, b) => (a.nodeId < b.nodeId ? -1 : 1));
      const replies = await Promise.all(
        requests.map((r) =>
          this.nodes.fetchDocuments(r.nodeId, ctx.nodeUid, {
            ...params,
            offset: 0,
            limit: offset + limit,
            ...(asked ? { fields: [...new Set([...asked, ...needed])] } : {}),
            filter: andFilterParams(
              withShardFilter(undefined, r.shards, ctx.shards) ?? null,
              params.filter,
            ),
          }),
        ),
      ).catch(clientNamed({ nodeUid: ctx.nodeUid, indexUid: uid }));
      const lists = replies.map((r) => r.results);
      const merged =
        sort.length > 0
          ? kWayMerge(lists, (a, b) => compareBySort(a, b, sort), offset + limit)
          : lists.flat();
      const page = merged.slice(offset, offset + limit).map((doc) => {
        stripReserved(doc);
        if (asked) for (const f of needed) if (!asked.includes(f)) delete doc[f];
        return doc;
      });
      return {
        body: { results: page, offset, limit, total: replies.reduce((n, r) => n + r.total, 0) },
        uncoveredShards: ctx.covering.uncovered,
      };
    });
  }

  /** GET …/documents: query-string parameters decoded into the fetch body's shape. */
  browseQuery(uid: string, query: Query): Promise<ScatterAnswer<Page<Document>>> {
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
    const sort = queryList(query, 'sort');
    if (sort) params.sort = sort;
    const retrieveVectors = queryValue(query, 'retrieveVectors');
    if (retrieveVectors !== undefined) params.retrieveVectors = retrieveVectors === 'true';
    return this.browse(uid, params);
  }

  browseBody(uid: string, body: unknown): Promise<ScatterAnswer<Page<Document>>> {
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
