import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { EventBus } from '#lib/bus';
import { MeiliError } from '#lib/errors';
import {
  allowsIndex,
  asObject,
  checkIndexUid,
  DEFAULT_SETTINGS,
  queryInteger,
  rejectUnknown,
  type Query,
} from '#lib/meili-api';
import type { IndexRecord, Store } from '#lib/store';
import { initialNodeSettings } from '#lib/writes';
import type { Access } from '../auth/access.js';
import { CONFIG, STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import { TaskService } from '../tasks/task.service.js';
import { missedNodes, type WriteAnswer } from '../http/write-answer.js';
import { BroadcastService } from './broadcast.service.js';
import { IndexRegistry, indexNotFound, renderIndex } from './index-registry.service.js';

const settingsPath = (uid: string) => `/indexes/${encodeURIComponent(uid)}/settings`;

/** Index lifecycle: metadata in the store, placement from HRW, the change broadcast to nodes. */
@Injectable()
export class IndexService {
  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
    private readonly registry: IndexRegistry,
    private readonly topology: TopologyService,
    private readonly broadcasts: BroadcastService,
    private readonly tasks: TaskService,
    private readonly bus: EventBus,
  ) {}

  async list(query: Query, access: Access): Promise<Record<string, unknown>> {
    rejectUnknown(query, ['offset', 'limit'], 'parameter');
    const offset = queryInteger(query, 'offset', 'invalid_index_offset') ?? 0;
    const limit = queryInteger(query, 'limit', 'invalid_index_limit') ?? 20;
    const all = await this.store.indexes.list({ offset: 0, limit: 1_000_000 });
    const visible = all.results.filter((i) => allowsIndex(access.indexes, i.uid));
    return {
      results: visible.slice(offset, offset + limit).map(renderIndex),
      offset,
      limit,
      total: visible.length,
    };
  }

  async get(uid: string): Promise<Record<string, unknown>> {
    return renderIndex(await this.registry.get(uid));
  }

  async create(input: unknown, access: Access): Promise<WriteAnswer> {
    const body = asObject(input);
    rejectUnknown(body, ['uid', 'primaryKey'], 'field');
    if (body.uid === undefined) throw new MeiliError('missing_index_uid', 'Missing field `uid`');
    const uid = checkIndexUid(body.uid);
    // The key's index rules cover the index it creates, as on Meilisearch.
    if (!allowsIndex(access.indexes, uid)) {
      throw new MeiliError('invalid_api_key', 'The provided API key is invalid.');
    }
    const primaryKey = body.primaryKey;
    if (primaryKey !== undefined && primaryKey !== null && typeof primaryKey !== 'string') {
      throw new MeiliError(
        'invalid_index_primary_key',
        'Invalid value type at `.primaryKey`: expected a string',
      );
    }
    if (typeof primaryKey !== 'string') {
      throw new MeiliError(
        'miroir_primary_key_required',
        'Miroir needs the primary key when an index is created: documents are placed by it across shards. Pass `primaryKey`.',
      );
    }
    return this.createIndex(uid, primaryKey);
  }

  /** Creates an index (also used by document additions to a missing index, as Meilisearch does). */
  async createIndex(uid: string, primaryKey: string): Promise<WriteAnswer> {
    const details = { primaryKey };
    if (await this.store.indexes.get(uid)) {
      return {
        summary: await this.tasks.recordRefused(uid, 'indexCreation', details, alreadyExists(uid)),
      };
    }
    const placement = await this.topology.createPlacement(uid, this.config.shards);
    const now = new Date().toISOString();
    const record: IndexRecord = {
      uid,
      primaryKey,
      shards: placement.shards,
      createdAt: now,
      updatedAt: now,
      settings: structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>,
      settingsVersion: 0,
    };
    if (!(await this.store.indexes.create(record))) {
      return {
        summary: await this.tasks.recordRefused(uid, 'indexCreation', details, alreadyExists(uid)),
      };
    }
    this.registry.forget(uid);
    // A settings update creates the index on each node with Miroir's reserved settings in one
    // task; the primary key reaches nodes with the first documents (`?primaryKey=`).
    let broadcast;
    try {
      broadcast = await this.broadcasts.broadcast(uid, 'indexCreation', details, {
        method: 'PATCH',
        path: settingsPath(uid),
        body: initialNodeSettings(),
      });
    } catch (err) {
      // No node took it (none reachable, or all refused): nothing was acknowledged, so the index
      // must not exist in Miroir either, or later writes would reach nodes without its settings.
      await this.store.indexes.delete(uid);
      await this.topology.deletePlacement(uid);
      this.registry.forget(uid);
      throw err;
    }
    const { summary, missed } = broadcast;
    this.bus.publish('indexes.created', {
      taskUid: summary.taskUid,
      indexUid: uid,
      primaryKey,
      shards: placement.shards,
    });
    return { summary, degraded: missedNodes(missed) };
  }

  async update(uid: string, input: unknown): Promise<WriteAnswer> {
    const body = asObject(input);
    if ('uid' in body) {
      throw new MeiliError('miroir_unsupported', 'Renaming an index is not supported by Miroir.');
    }
    rejectUnknown(body, ['primaryKey'], 'field');
    const primaryKey = body.primaryKey ?? null;
    if (primaryKey !== null && typeof primaryKey !== 'string') {
      throw new MeiliError(
        'invalid_index_primary_key',
        'Invalid value type at `.primaryKey`: expected a string',
      );
    }
    const details = { primaryKey };
    const record = await this.store.indexes.get(uid);
    if (!record)
      return {
        summary: await this.tasks.recordRefused(uid, 'indexUpdate', details, indexNotFound(uid)),
      };
    if (primaryKey !== null && primaryKey !== record.primaryKey) {
      // Documents are placed by the primary key: changing it would need a full reshard.
      return {
        summary: await this.tasks.recordRefused(
          uid,
          'indexUpdate',
          details,
          new MeiliError(
            'index_primary_key_already_exists',
            `Index \`${uid}\`: the primary key is already \`${record.primaryKey}\`; Miroir places documents by it and cannot change it.`,
          ),
        ),
      };
    }
    await this.store.indexes.update(uid, (r) => ({ ...r, updatedAt: new Date().toISOString() }));
    this.registry.forget(uid);
    const { summary, missed } = await this.broadcasts.broadcast(uid, 'indexUpdate', details, {
      method: 'PATCH',
      path: `/indexes/${encodeURIComponent(uid)}`,
      body: { primaryKey: record.primaryKey },
    });
    this.bus.publish('indexes.updated', { taskUid: summary.taskUid, indexUid: uid, primaryKey });
    return { summary, degraded: missedNodes(missed) };
  }

  async delete(uid: string): Promise<WriteAnswer> {
    const details = { deletedDocuments: null };
    if (!(await this.store.indexes.get(uid))) {
      return {
        summary: await this.tasks.recordRefused(uid, 'indexDeletion', details, indexNotFound(uid)),
      };
    }
    const { summary, missed } = await this.broadcasts.broadcast(uid, 'indexDeletion', details, {
      method: 'DELETE',
      path: `/indexes/${encodeURIComponent(uid)}`,
    });
    await this.store.indexes.delete(uid);
    await this.topology.deletePlacement(uid);
    this.registry.forget(uid);
    this.bus.publish('indexes.deleted', { taskUid: summary.taskUid, indexUid: uid });
    return { summary, degraded: missedNodes(missed) };
  }
}

function alreadyExists(uid: string): MeiliError {
  return new MeiliError('index_already_exists', `Index \`${uid}\` already exists.`);
}
