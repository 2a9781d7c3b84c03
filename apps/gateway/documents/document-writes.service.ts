import { Injectable } from '@nestjs/common';
import type { CatalogRecord, LogHeader, LogOp } from '#lib/contracts';
import { refuseReservedFilter } from '#lib/search';
import { MeiliError } from '#lib/errors';
import { checkIndexUid, parseDeleteByFilter, rejectUnknown, type Query } from '#lib/meili-api';
import {
  documentParts,
  geoChecked,
  idParts,
  inferPrimaryKey,
  readDocuments,
  topLevelElements,
  type IncomingDocument,
  type PayloadFormat,
} from '#lib/writes';
import { CatalogService, indexNotFound, type TaskHead } from '../indexes/catalog.service.js';
import { IndexService, touched } from '../indexes/index.service.js';
import type { TaskSummary } from '#lib/meili-api';
import { LogAppender } from '../writes/log-appender.service.js';

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * Document writes as log messages (replication.md): validated whole at the door (a bad document
 * refuses the payload with Meilisearch's error, as a failed task), split into shard parts, appended
 * with the documents byte for byte. The first write of an index fixes its primary key (given, or
 * inferred as Meilisearch does) in the same catalog change; later writes go to the index's own
 * subject without touching the catalog. Deletions by filter and of every document go to every copy.
 */
@Injectable()
export class DocumentWritesService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly indexes: IndexService,
    private readonly appender: LogAppender,
  ) {}

  async add(
    uid: string,
    payload: { format: PayloadFormat; text: string },
    method: 'POST' | 'PUT',
    query: Query,
  ): Promise<TaskSummary> {
    rejectUnknown(query, ['primaryKey', 'csvDelimiter', 'customMetadata'], 'parameter');
    checkIndexUid(uid);
    const delimiter = typeof query.csvDelimiter === 'string' ? query.csvDelimiter : ',';
    const docs = readDocuments(payload.format, payload.text, delimiter);
    const requested = typeof query.primaryKey === 'string' ? query.primaryKey : undefined;
    const task: TaskHead = {
      type: 'documentAdditionOrUpdate',
      indexUid: uid,
      details: { receivedDocuments: docs.length, indexedDocuments: null },
    };
    const kind = method === 'POST' ? 'replace' : 'update';
    const known = await this.catalog.find(uid);
    if (known?.primaryKeyFixed) {
      // The common case: the key is fixed for good, no catalog change needed.
      if (requested !== undefined && requested !== known.primaryKey) {
        return (await this.catalog.refuse(task, keyExists(uid, known.primaryKey!))).summary;
      }
      const planned = plan(docs, known, kind);
      if (planned instanceof MeiliError) return (await this.catalog.refuse(task, planned)).summary;
      const header: LogHeader = {
        v: 1,
        task: { ...task, enqueuedAt: new Date().toISOString() },
        op: planned.op,
      };
      return (await this.appender.append({ kind: 'documents', index: uid }, header, planned.body))
        .summary;
    }
    // The first write: create the index if needed and fix its key, with the documents, in one change.
    const appended = await this.catalog.change(task, async (view) => {
      const current = await view.get(uid);
      if (current?.primaryKeyFixed) {
        if (requested !== undefined && requested !== current.primaryKey) {
          return { kind: 'refuse', error: keyExists(uid, current.primaryKey!) };
        }
        const planned = plan(docs, current, kind);
        if (planned instanceof MeiliError) return { kind: 'refuse', error: planned };
        return { kind: 'change', records: { [uid]: current }, op: planned.op, body: planned.body };
      }
      if (current?.primaryKey && requested !== undefined && requested !== current.primaryKey) {
        return { kind: 'refuse', error: keyExists(uid, current.primaryKey) };
      }
      const given = requested ?? current?.primaryKey;
      if (docs.length === 0 && given === undefined) {
        // Nothing to infer from: Meilisearch creates the index (if needed) and succeeds with 0.
        if (current) return { kind: 'change', records: { [uid]: current }, op: { kind: 'none' } };
        return this.indexes.creation(view, uid, null);
      }
      let primaryKey: string;
      try {
        primaryKey = given ?? inferPrimaryKey(docs);
      } catch (err) {
        if (err instanceof MeiliError) return { kind: 'refuse', error: err };
        throw err;
      }
      const created = current ? null : await this.indexes.creation(view, uid, primaryKey);
      const base = current ?? created!.records[uid]!;
      const record: CatalogRecord = { ...touched(base), primaryKey, primaryKeyFixed: true };
      const planned = plan(docs, record, kind);
      if (planned instanceof MeiliError) return { kind: 'refuse', error: planned };
      const op: LogOp =
        created && created.op.kind === 'createIndex' && planned.op.kind === 'documents'
          ? { ...planned.op, create: created.op.settings }
          : planned.op;
      return {
        kind: 'change',
        records: { [uid]: record },
        op,
        body: planned.body,
        ...(created?.placements ? { placements: created.placements } : {}),
      };
    });
    return appended.summary;
  }

  async deleteOne(uid: string, id: string): Promise<TaskSummary> {
    return this.deleteIds(uid, [id]);
  }

  /** Ids are read from the body's text: an integer id above 2^53 is deleted exactly. */
  async deleteBatch(uid: string, text: string): Promise<TaskSummary> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new MeiliError(
        'malformed_payload',
        `The json payload provided is malformed. \`${(err as Error).message}\`.`,
      );
    }
    if (!Array.isArray(parsed)) {
      throw new MeiliError(
        'bad_request',
        `Json deserialize error: invalid type: ${serdeKind(parsed)}, expected a sequence`,
      );
    }
    // As Meilisearch: a string is the id, anything else its JSON text (unknown ids delete nothing).
    const spans = topLevelElements(text);
    const ids = parsed.map((value, i) => {
      if (typeof value === 'string') return value;
      const raw = text.slice(spans[i]!.start, spans[i]!.end);
      if (typeof value === 'number' && INTEGER.test(raw)) return BigInt(raw).toString();
      return JSON.stringify(value);
    });
    return this.deleteIds(uid, ids);
  }

  private async deleteIds(uid: string, ids: string[]): Promise<TaskSummary> {
    const task: TaskHead = {
      type: 'documentDeletion',
      indexUid: uid,
      details: { providedIds: ids.length, deletedDocuments: null, originalFilter: null },
    };
    const index = await this.catalog.find(uid);
    if (!index) return (await this.catalog.refuse(task, indexNotFound(uid))).summary;
    return this.appendFor(index, task, {
      kind: 'deleteIds',
      index: { uid, nodeUid: index.nodeUid },
      parts: idParts(ids, index.shards),
    });
  }

  async deleteByFilter(uid: string, input: unknown): Promise<TaskSummary> {
    const filter = parseDeleteByFilter(input);
    const task: TaskHead = {
      type: 'documentDeletion',
      indexUid: uid,
      details: {
        providedIds: 0,
        deletedDocuments: null,
        originalFilter: JSON.stringify(filter),
      },
    };
    const index = await this.catalog.find(uid);
    if (!index) return (await this.catalog.refuse(task, indexNotFound(uid))).summary;
    // Nodes can filter on the reserved fields; one Meilisearch without them fails the task.
    try {
      const settings = index.settings as { filterableAttributes?: unknown[] };
      refuseReservedFilter(
        filter,
        'invalid_document_filter',
        uid,
        settings.filterableAttributes ?? [],
      );
    } catch (err) {
      if (err instanceof MeiliError) return (await this.catalog.refuse(task, err)).summary;
      throw err;
    }
    return this.appendFor(index, task, {
      kind: 'deleteFilter',
      index: { uid, nodeUid: index.nodeUid },
      filter,
    });
  }

  async deleteAll(uid: string): Promise<TaskSummary> {
    const task: TaskHead = {
      type: 'documentDeletion',
      indexUid: uid,
      details: { deletedDocuments: null },
    };
    const index = await this.catalog.find(uid);
    if (!index) return (await this.catalog.refuse(task, indexNotFound(uid))).summary;
    return this.appendFor(index, task, {
      kind: 'deleteAll',
      index: { uid, nodeUid: index.nodeUid },
    });
  }

  private async appendFor(index: CatalogRecord, task: TaskHead, op: LogOp): Promise<TaskSummary> {
    const header: LogHeader = { v: 1, task: { ...task, enqueuedAt: new Date().toISOString() }, op };
    return (await this.appender.append({ kind: 'documents', index: index.uid }, header)).summary;
  }
}

/** The documents op of a payload for an index, or the error that refuses the payload. */
function plan(
  docs: IncomingDocument[],
  index: CatalogRecord,
  method: 'replace' | 'update',
): { op: LogOp; body: Buffer } | MeiliError {
  try {
    const rules = { indexUid: index.uid, geo: geoChecked(index.settings) };
    const { parts, body } = documentParts(docs, index.primaryKey!, index.shards, rules);
    return {
      op: {
        kind: 'documents',
        index: { uid: index.uid, nodeUid: index.nodeUid },
        method,
        primaryKey: index.primaryKey!,
        parts,
      },
      body,
    };
  } catch (err) {
    if (err instanceof MeiliError) return err;
    throw err;
  }
}

/** milli's `PrimaryKeyCannotBeChanged`, raised per payload (no index prefix). */
function keyExists(_uid: string, primaryKey: string): MeiliError {
  return new MeiliError(
    'index_primary_key_already_exists',
    `Index already has a primary key: \`${primaryKey}\`.`,
  );
}

/** serde's description of an unexpected JSON value, as in actix's Json errors. */
function serdeKind(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  }
  return 'map';
}
