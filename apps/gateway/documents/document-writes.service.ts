import { Inject, Injectable } from '@nestjs/common';
import type { MiroirConfig } from '#lib/config';
import { EventBus } from '#lib/bus';
import { MeiliError } from '#lib/errors';
import { asObject, rejectUnknown, type Document, type Query } from '#lib/meili-api';
import type { Placement, WriteTarget } from '#lib/routing';
import {
  degradedHeader,
  evaluateQuorum,
  planDocumentWrite,
  planIdsByNode,
  type QuorumOutcome,
} from '#lib/writes';
import { missedNodes, type WriteAnswer } from '../http/write-answer.js';
import { BroadcastService } from '../indexes/broadcast.service.js';
import { IndexRegistry, indexNotFound } from '../indexes/index-registry.service.js';
import { IndexService } from '../indexes/index.service.js';
import { CONFIG } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import { TaskService } from '../tasks/task.service.js';
import type { TaskSummary } from '../tasks/task-view.js';
import type { NodeWrite } from '#lib/writes';
import { WriteExecutor, type WriteResult } from '../writes/write-executor.js';
import { inferPrimaryKey } from './primary-key-inference.js';

const documentsPath = (uid: string) => `/indexes/${encodeURIComponent(uid)}/documents`;

/** Routed document writes: one batch per node, quorum per shard and group, hints for missed copies. */
@Injectable()
export class DocumentWritesService {
  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    private readonly registry: IndexRegistry,
    private readonly indexes: IndexService,
    private readonly topology: TopologyService,
    private readonly executor: WriteExecutor,
    private readonly broadcasts: BroadcastService,
    private readonly tasks: TaskService,
    private readonly bus: EventBus,
  ) {}

  async add(
    uid: string,
    documents: Document[],
    method: 'POST' | 'PUT',
    query: Query,
  ): Promise<WriteAnswer> {
    rejectUnknown(query, ['primaryKey', 'csvDelimiter', 'customMetadata'], 'parameter');
    const requestedKey = typeof query.primaryKey === 'string' ? query.primaryKey : undefined;
    const details = { receivedDocuments: documents.length, indexedDocuments: null };
    const type = 'documentAdditionOrUpdate';
    let index = await this.registry.find(uid);
    if (!index) {
      // As Meilisearch: an addition creates the missing index, with the given or inferred key.
      let primaryKey: string;
      try {
        primaryKey = requestedKey ?? inferPrimaryKey(documents);
      } catch (err) {
        if (err instanceof MeiliError)
          return { summary: await this.tasks.recordRefused(uid, type, details, err) };
        throw err;
      }
      await this.indexes.createIndex(uid, primaryKey);
      index = await this.registry.get(uid);
    } else if (requestedKey !== undefined && requestedKey !== index.primaryKey) {
      const err = new MeiliError(
        'index_primary_key_already_exists',
        `Index \`${uid}\`: the primary key is already \`${index.primaryKey}\`.`,
      );
      return { summary: await this.tasks.recordRefused(uid, type, details, err) };
    }
    const primaryKey = index.primaryKey!;
    const placement = await this.placementOf(uid);
    let plan;
    try {
      plan = planDocumentWrite(documents, primaryKey, placement);
    } catch (err) {
      // A bad document refuses the whole batch before any node is called: a failed task, as one node.
      if (err instanceof MeiliError)
        return { summary: await this.tasks.recordRefused(uid, type, details, err) };
      throw err;
    }
    const writes = new Map<string, NodeWrite>(
      plan.batches.map((b) => [
        b.nodeId,
        {
          method,
          path: documentsPath(uid),
          query: { primaryKey },
          rawBody: b.body.toString('utf8'),
          contentType: 'application/json',
        },
      ]),
    );
    const { summary, degraded, result } = await this.commit(
      uid,
      type,
      details,
      plan.targets,
      writes,
    );
    this.bus.publish('documents.written', {
      taskUid: summary.taskUid,
      indexUid: uid,
      shards: [...plan.targets.keys()].sort((a, b) => a - b),
      nodeTasks: Object.fromEntries(result.acked),
      documentCount: documents.length,
      degraded: result.missed.map((nodeId) => ({
        nodeId,
        shards: plan.batches.find((b) => b.nodeId === nodeId)?.shards ?? [],
      })),
    });
    return { summary, degraded };
  }

  async deleteOne(uid: string, id: string): Promise<WriteAnswer> {
    return this.deleteIds(uid, [id], 'one');
  }

  async deleteBatch(uid: string, body: unknown): Promise<WriteAnswer> {
    if (
      !Array.isArray(body) ||
      !body.every((id) => typeof id === 'string' || typeof id === 'number')
    ) {
      throw new MeiliError(
        'bad_request',
        'Invalid value type: expected an array of document ids (strings or integers).',
      );
    }
    return this.deleteIds(uid, body as Array<string | number>, 'batch');
  }

  private async deleteIds(
    uid: string,
    ids: Array<string | number>,
    kind: 'one' | 'batch',
  ): Promise<WriteAnswer> {
    const details = { providedIds: ids.length, deletedDocuments: null, originalFilter: null };
    const type = 'documentDeletion';
    if (!(await this.registry.find(uid))) {
      return { summary: await this.tasks.recordRefused(uid, type, details, indexNotFound(uid)) };
    }
    const { byNode, targets } = planIdsByNode(ids, await this.placementOf(uid));
    const writes = new Map<string, NodeWrite>(
      [...byNode].map(([nodeId, nodeIds]) => [
        nodeId,
        kind === 'one'
          ? {
              method: 'DELETE',
              path: `${documentsPath(uid)}/${encodeURIComponent(String(ids[0]))}`,
            }
          : { method: 'POST', path: `${documentsPath(uid)}/delete-batch`, body: nodeIds },
      ]),
    );
    const { summary, degraded, result } = await this.commit(uid, type, details, targets, writes);
    this.bus.publish('documents.deleted', {
      taskUid: summary.taskUid,
      indexUid: uid,
      nodeTasks: Object.fromEntries(result.acked),
      deletion: { kind: 'ids', ids },
    });
    return { summary, degraded };
  }

  async deleteByFilter(uid: string, input: unknown): Promise<WriteAnswer> {
    const body = asObject(input);
    rejectUnknown(body, ['filter'], 'field');
    if (body.filter === undefined || body.filter === null) {
      throw new MeiliError('missing_document_filter', 'Missing field `filter`');
    }
    const details = {
      providedIds: 0,
      deletedDocuments: null,
      originalFilter: JSON.stringify(body.filter),
    };
    const write: NodeWrite = {
      method: 'POST',
      path: `${documentsPath(uid)}/delete`,
      body: { filter: body.filter },
    };
    return this.broadcastDeletion(uid, details, write, {
      kind: 'filter',
      filter: body.filter as string,
    });
  }

  deleteAll(uid: string): Promise<WriteAnswer> {
    const write: NodeWrite = { method: 'DELETE', path: documentsPath(uid) };
    return this.broadcastDeletion(uid, { deletedDocuments: null }, write, { kind: 'all' });
  }

  /** Deletions every node must apply (by filter, all): one broadcast, one event. */
  private async broadcastDeletion(
    uid: string,
    details: Record<string, unknown>,
    write: NodeWrite,
    deletion: { kind: 'filter'; filter: string } | { kind: 'all' },
  ): Promise<WriteAnswer> {
    if (!(await this.registry.find(uid))) {
      return {
        summary: await this.tasks.recordRefused(
          uid,
          'documentDeletion',
          details,
          indexNotFound(uid),
        ),
      };
    }
    const { summary, missed, nodeTasks } = await this.broadcasts.broadcast(
      uid,
      'documentDeletion',
      details,
      write,
    );
    this.bus.publish('documents.deleted', {
      taskUid: summary.taskUid,
      indexUid: uid,
      nodeTasks,
      deletion,
    });
    return { summary, degraded: missedNodes(missed) };
  }

  private async placementOf(uid: string): Promise<Placement> {
    const placement = await this.topology.placement(uid);
    if (!placement)
      throw new MeiliError('miroir_not_ready', `Index \`${uid}\` has no placement yet.`);
    return placement;
  }

  /** Sends routed writes, checks quorum, records hints and the task. */
  private async commit(
    uid: string,
    type: string,
    details: Record<string, unknown>,
    targets: Map<number, WriteTarget[]>,
    writes: Map<string, NodeWrite>,
  ): Promise<{ summary: TaskSummary; degraded?: string; result: WriteResult }> {
    const result = await this.executor.execute(writes);
    const quorum: QuorumOutcome = evaluateQuorum(
      targets,
      (nodeId) => result.acked.has(nodeId),
      this.config.writeQuorum,
    );
    if (!quorum.accepted) {
      const [rejection] = result.rejected.values();
      if (result.acked.size === 0 && rejection) {
        const { status, ...body } = rejection;
        throw MeiliError.fromObject(body, status);
      }
      throw new MeiliError(
        'miroir_no_quorum',
        `Shards ${quorum.unreached.join(', ')} reached write quorum (${this.config.writeQuorum}) in no replica group: nothing was acknowledged. Retry the request.`,
      );
    }
    const taskUid = await this.tasks.nextUid();
    const hints = await this.executor.handOff(uid, taskUid, result.missed, writes);
    const summary = await this.tasks.record(
      { indexUid: uid, type, details, nodeTasks: this.executor.nodeTasks(result), hints },
      taskUid,
    );
    return { summary, degraded: degradedHeader(quorum), result };
  }
}
