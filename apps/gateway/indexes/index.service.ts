import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import type { CatalogRecord } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import {
  allowsIndex,
  asObject,
  checkIndexUid,
  DEFAULT_SETTINGS,
  queryInteger,
  parseIndexUpdate,
  rejectUnknown,
  type Query,
} from '#lib/meili-api';
import { initialNodeSettings } from '#lib/writes';
import type { Store } from '#lib/store';
import type { Access } from '../auth/access.js';
import { CONFIG, STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import type { TaskSummary } from '#lib/meili-api';
import {
  CatalogService,
  indexNotFound,
  renderIndex,
  type CatalogDecision,
  type CatalogView,
} from './catalog.service.js';

/**
 * Index lifecycle as catalog changes on the log: creation (primary key optional, as on one node),
 * primary key changes while no document was written, deletion. Nodes create an index with Miroir's
 * reserved settings; a deleted index's node-side name is never used again.
 */
@Injectable()
export class IndexService {
  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
    private readonly catalog: CatalogService,
    private readonly topology: TopologyService,
  ) {}

  async list(query: Query, access: Access): Promise<Record<string, unknown>> {
    rejectUnknown(query, ['offset', 'limit'], 'parameter');
    const offset = queryInteger(query, 'offset', 'invalid_index_offset') ?? 0;
    const limit = queryInteger(query, 'limit', 'invalid_index_limit') ?? 20;
    const visible = (await this.catalog.list()).filter((i) => allowsIndex(access.indexes, i.uid));
    return {
      results: visible.slice(offset, offset + limit).map(renderIndex),
      offset,
      limit,
      total: visible.length,
    };
  }

  async get(uid: string): Promise<Record<string, unknown>> {
    return renderIndex(await this.catalog.get(uid));
  }

  async create(input: unknown, access: Access): Promise<TaskSummary> {
    const body = asObject(input);
    rejectUnknown(body, ['uid', 'primaryKey'], 'field');
    if (body.uid === undefined) throw new MeiliError('missing_index_uid', 'Missing field `uid`');
    const uid = checkIndexUid(body.uid);
    // The key's index rules cover the index it creates, as on Meilisearch.
    if (!allowsIndex(access.indexes, uid)) {
      throw new MeiliError('invalid_api_key', 'The provided API key is invalid.');
    }
    // An index may not take an alias's name (the alias would hide it).
    if (await this.store.aliases.get(uid)) {
      throw new MeiliError(
        'miroir_alias_already_exists',
        `Alias \`${uid}\` exists: an index may not take an alias's name.`,
      );
    }
    const primaryKey = body.primaryKey ?? null;
    if (primaryKey !== null && typeof primaryKey !== 'string') {
      throw new MeiliError(
        'invalid_index_primary_key',
        'Invalid value type at `.primaryKey`: expected a string',
      );
    }
    const task = { type: 'indexCreation', indexUid: uid, details: { primaryKey } };
    const appended = await this.catalog.change(task, async (view) => {
      if (await view.get(uid)) return { kind: 'refuse', error: alreadyExists(uid) };
      return this.creation(view, uid, primaryKey);
    });
    return appended.summary;
  }

  /**
   * A new index: a node-side name no index ever had, its placement, and nodes told to create it
   * with the reserved settings (and `settingsPatch` when a settings update creates it).
   */
  async creation(
    view: CatalogView,
    uid: string,
    primaryKey: string | null,
    extra: {
      settings?: Record<string, unknown>;
      settingsVersion?: number;
      nodeSettings?: Record<string, unknown>;
    } = {},
  ): Promise<Extract<CatalogDecision, { kind: 'change' }>> {
    const nodeUid = await view.freshNodeUid(uid);
    const placement = await this.topology.createPlacement(nodeUid, this.config.shards);
    const now = new Date().toISOString();
    const record: CatalogRecord = {
      uid,
      nodeUid,
      primaryKey,
      primaryKeyFixed: false,
      shards: placement.shards,
      createdAt: now,
      updatedAt: now,
      settings:
        extra.settings ?? (structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>),
      settingsVersion: extra.settingsVersion ?? 0,
    };
    const { epoch: _epoch, ...stored } = placement;
    return {
      kind: 'change',
      records: { [uid]: record },
      placements: { [nodeUid]: stored },
      op: {
        kind: 'createIndex',
        index: { uid, nodeUid },
        settings: { ...initialNodeSettings(), ...extra.nodeSettings },
      },
    };
  }

  /**
   * `PATCH /indexes/{uid}`: primary key and rename (`uid`, Meilisearch ≥ 1.18). A rename moves the
   * catalog record only: node-side indexes have their own per-incarnation names.
   */
  async update(uid: string, input: unknown): Promise<TaskSummary> {
    const { primaryKey, uid: newUid } = parseIndexUpdate(input);
    const details: Record<string, unknown> = { primaryKey };
    if (newUid !== null) Object.assign(details, { oldIndexUid: uid, newIndexUid: newUid });
    const task = { type: 'indexUpdate', indexUid: uid, details };
    const appended = await this.catalog.change(task, async (view) => {
      const record = await view.get(uid);
      if (!record) return { kind: 'refuse', error: indexNotFound(uid) };
      let next = touched(record);
      if (primaryKey !== null && primaryKey !== record.primaryKey) {
        if (record.primaryKeyFixed) {
          return {
            kind: 'refuse',
            error: new MeiliError(
              'index_primary_key_already_exists',
              `Index \`${uid}\`: Index already has a primary key: \`${record.primaryKey}\`.`,
            ),
          };
        }
        // No document was written yet: nodes learn the key with the first one.
        next = { ...next, primaryKey };
      }
      if (newUid === null || newUid === uid) {
        return { kind: 'change', records: { [uid]: next }, op: { kind: 'none' } };
      }
      if (await view.get(newUid)) return { kind: 'refuse', error: alreadyExists(newUid) };
      return {
        kind: 'change',
        records: { [uid]: null, [newUid]: { ...next, uid: newUid } },
        op: { kind: 'none' },
      };
    });
    return appended.summary;
  }

  async delete(uid: string): Promise<TaskSummary> {
    const task = { type: 'indexDeletion', indexUid: uid, details: { deletedDocuments: null } };
    const appended = await this.catalog.change(task, async (view) => {
      const record = await view.get(uid);
      if (!record) return { kind: 'refuse', error: indexNotFound(uid) };
      return {
        kind: 'change',
        records: { [uid]: null },
        dropped: [record.nodeUid],
        op: { kind: 'deleteIndex', index: { uid, nodeUid: record.nodeUid } },
      };
    });
    return appended.summary;
  }
}

export function touched(record: CatalogRecord): CatalogRecord {
  return { ...record, updatedAt: new Date().toISOString() };
}

function alreadyExists(uid: string): MeiliError {
  return new MeiliError('index_already_exists', `Index \`${uid}\` already exists.`);
}
