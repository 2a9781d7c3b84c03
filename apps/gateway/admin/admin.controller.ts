import { clusterHealth, listedCopies, shardFilter } from '#lib/routing';
import { randomBytes } from 'node:crypto';
import { Controller, Get, Header, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { EventBus, WriteLog } from '#lib/bus';
import { asyncApiDocument } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient } from '#lib/node-client';
import { asObject, rejectUnknown } from '#lib/meili-api';
import { CHECK_TTL_MS, type CheckRecord, type ScopedKeyRecord, type Store } from '#lib/store';
import { NODE_KEY_RECORD } from '#lib/keys';
import { AdminOnly, Public } from '../auth/auth.guard.js';
import { JsonBody, Query } from '../http/request.js';
import { CatalogService } from '../indexes/catalog.service.js';
import { STORE } from '../infra/tokens.js';
import { TopologyService } from '../infra/topology.service.js';
import { MetricsService } from './metrics.service.js';
import { adminOpenApi } from './openapi.js';
import { MIROIR_VERSION } from '../system/version.js';

@Controller()
export class AdminController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly topology: TopologyService,
    private readonly bus: EventBus,
    private readonly metrics: MetricsService,
    private readonly log: WriteLog,
    private readonly jobs: JobQueues,
    private readonly catalog: CatalogService,
    private readonly nodes: HttpNodeClient,
  ) {}

  /**
   * The cluster at a glance: green (every copy serves), yellow (some copy cannot: a node failed,
   * a copy behind), red (some shard has no copy that can), with the reasons.
   */
  @Get('_miroir/health')
  @AdminOnly()
  async health() {
    const topology = await this.topology.current();
    const copies = await this.topology.writerStatuses();
    const nodes = topology.nodes
      .filter((n) => n.state !== 'removed')
      .map((n) => ({
        id: n.id,
        state: n.state,
        copyState: copies.get(n.id)?.state ?? null,
        readable: this.topology.isReadable(topology, n.id),
      }));
    const placements = await this.store.topology.listPlacements();
    const indexes = (await this.catalog.list()).flatMap((record) => {
      const placement = placements[record.nodeUid];
      if (!placement) return [];
      const owners = Array.from({ length: placement.shards }, (_, shard) =>
        Object.values(placement.groups).flatMap((copies) => copies[shard]?.owners ?? []),
      );
      return [{ uid: record.uid, owners }];
    });
    return { ...clusterHealth(nodes, indexes), nodes, indexes: indexes.length };
  }

  /** Nodes with their state and passive health, groups, RF, epoch, shard copies per node. */
  @Get('_miroir/topology')
  @AdminOnly()
  async getTopology() {
    const topology = await this.topology.current();
    const placements = await this.store.topology.listPlacements();
    const copies = new Map<string, number>();
    for (const p of Object.values(placements)) {
      for (const shards of Object.values(p.groups)) {
        for (const c of shards) for (const n of c.owners) copies.set(n, (copies.get(n) ?? 0) + 1);
      }
    }
    const health = new Map(this.topology.health.snapshot().map((h) => [h.nodeId, h]));
    const writers = new Map((await this.store.writers.list()).map((w) => [w.nodeId, w]));
    const log = await this.log.state();
    const now = Date.now();
    return {
      epoch: topology.epoch,
      replicationFactor: topology.replicationFactor,
      replicaGroups: topology.replicaGroups,
      log: {
        firstSeq: log.firstSeq,
        lastSeq: log.lastSeq,
        messages: log.messages,
        bytes: log.bytes,
      },
      nodes: topology.nodes.map((n) => {
        const w = writers.get(n.id);
        return {
          ...n,
          shardCopies: copies.get(n.id) ?? 0,
          passiveHealth: health.get(n.id) ?? null,
          // The node's copy as its single writer sees it (replication.md, R4 and R7).
          copy: w
            ? {
                state: w.state,
                since: new Date(w.stateSince).toISOString(),
                appliedSeq: w.appliedSeq,
                sentSeq: w.sentSeq,
                lagMessages: Math.max(0, log.lastSeq - w.appliedSeq),
                lagSeconds: w.oldestPendingAt === null ? 0 : (now - w.oldestPendingAt) / 1000,
                rejoinTarget: w.rejoinTarget,
                retries: w.retries,
                refusedParts: w.refusedParts,
                writer: w.holder,
                activity: w.activity ?? null,
                updatedAt: new Date(w.updatedAt).toISOString(),
                error: w.error,
              }
            : null,
        };
      }),
      indexes: Object.keys(placements).length,
    };
  }

  @Get('_miroir/shards')
  @AdminOnly()
  async shards(@Query() query: Record<string, string>) {
    if (!query.index) {
      return this.store.topology.listPlacements();
    }
    const index = await this.catalog.get(query.index);
    const placement = await this.store.topology.getPlacement(index.nodeUid);
    if (!placement) throw new MeiliError('index_not_found', `Index \`${query.index}\` not found.`);
    const [writers, { lastSeq }] = await Promise.all([this.store.writers.list(), this.log.state()]);
    const writerOf = new Map(writers.map((w) => [w.nodeId, w]));
    // Each copy's document count, asked of its node (null: the node did not answer in time).
    const copies = await Promise.all(
      listedCopies(placement).map(async (copy) => {
        const writer = writerOf.get(copy.node);
        const documents = await this.nodes
          .fetchDocuments(
            copy.node,
            index.nodeUid,
            { filter: shardFilter([copy.shard]), limit: 1, fields: [index.primaryKey ?? 'id'] },
            { timeoutMs: 2000 },
          )
          .then(
            (page) => page.total,
            () => null,
          );
        return {
          ...copy,
          documents,
          state: writer?.state ?? null,
          lagMessages: writer ? Math.max(0, lastSeq - writer.appliedSeq) : null,
        };
      }),
    );
    return { index: query.index, nodeIndex: index.nodeUid, ...placement, copies };
  }

  /**
   * Rotates an index's scoped search key now (`force: true`), or shows where its rotation stands:
   * 202 with the rotation state (key uids and generation, never a key value).
   */
  @Post(['_miroir/keys/rotate', '_miroir/ui/search/:index/rotate-scoped-key'])
  @HttpCode(202)
  @AdminOnly()
  async rotateKey(@JsonBody() input: unknown, @Param('index') pathIndex?: string) {
    const body = input === undefined ? {} : asObject(input);
    rejectUnknown(body, pathIndex ? ['force'] : ['index', 'force'], 'field');
    const uid = pathIndex ?? body.index;
    if (typeof uid !== 'string') throw new MeiliError('bad_request', 'Missing field `index`');
    const index = await this.catalog.get(uid);
    if (body.force === true) {
      const request = randomBytes(8).toString('hex');
      await this.jobs.enqueue('keys', { indexUid: index.nodeUid, request });
    }
    const record = await this.store.scopedKeys.get(index.nodeUid);
    return {
      index: index.uid,
      forced: body.force === true,
      rotation: record && {
        state: record.state,
        generation: record.generation,
        primaryUid: record.primaryUid,
        previousUid: record.previousUid,
        rotatedAt: record.rotatedAt,
      },
    };
  }

  /**
   * The API key Miroir sends to nodes, when it rotates: its uid, generation, rotation state, age
   * and grants (never its value). `rotation: null` until the key-rotator adopted it, and for good
   * when it is the nodes' master key. A node added later needs this uid created on it.
   */
  @Get('_miroir/keys/node')
  @AdminOnly()
  async nodeKey() {
    return { rotation: nodeKeyView(await this.store.nodeKeys.get(NODE_KEY_RECORD)) };
  }

  /** Rotates the node key now (`force: true`), or shows where its rotation stands: 202. */
  @Post('_miroir/keys/node/rotate')
  @HttpCode(202)
  @AdminOnly()
  async rotateNodeKey(@JsonBody() input: unknown) {
    const body = input === undefined ? {} : asObject(input);
    rejectUnknown(body, ['force'], 'field');
    if (body.force === true) {
      await this.jobs.enqueue('keys', { nodeKey: true, request: randomBytes(8).toString('hex') });
    }
    const record = await this.store.nodeKeys.get(NODE_KEY_RECORD);
    return { forced: body.force === true, rotation: nodeKeyView(record) };
  }

  /** Starts the copy checker on an index: 202 with the check record to poll. */
  @Post('_miroir/verify')
  @HttpCode(202)
  @AdminOnly()
  verify(@JsonBody() body: unknown) {
    return this.startCheck(body, false);
  }

  /** The copy checker, repairing every disagreement from the newest versions. */
  @Post('_miroir/repair')
  @HttpCode(202)
  @AdminOnly()
  repair(@JsonBody() body: unknown) {
    return this.startCheck(body, true);
  }

  @Get(['_miroir/verify/:id', '_miroir/repair/:id'])
  @AdminOnly()
  async check(@Param('id') id: string) {
    const record = await this.store.checks.get(id);
    if (!record) throw new MeiliError('miroir_check_not_found', `Check \`${id}\` not found.`);
    return record;
  }

  private async startCheck(input: unknown, repair: boolean): Promise<CheckRecord> {
    const body = asObject(input);
    rejectUnknown(body, ['index'], 'field');
    if (typeof body.index !== 'string') {
      throw new MeiliError('bad_request', 'Missing field `index`: the index to check.');
    }
    const index = await this.catalog.get(body.index);
    const id = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const record: CheckRecord = {
      id,
      indexUid: index.uid,
      repair,
      status: 'queued',
      progress: { shardsDone: 0, shards: index.shards },
      disagreeingShards: 0,
      disagreements: 0,
      shards: [],
      repairTaskUid: null,
      repaired: null,
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    await this.store.checks.put(id, record, { ttlMs: CHECK_TTL_MS });
    await this.jobs.enqueue('checks', { checkId: id, indexUid: index.uid, repair });
    return record;
  }

  /** Readiness: store and bus reachable, topology loaded, every node of it known. */
  @Get('_miroir/ready')
  @Public()
  async ready() {
    try {
      await this.store.topology.epoch();
      await this.topology.current();
    } catch (err) {
      throw new MeiliError('miroir_not_ready', `Not ready: ${(err as Error).message}`);
    }
    if (!(await this.bus.answers(1000)))
      throw new MeiliError('miroir_not_ready', 'Not ready: NATS does not answer.');
    // A gateway none of whose nodes can serve reads cannot answer a search: take it out.
    const topology = await this.topology.current();
    if (!topology.nodes.some((n) => this.topology.isReadable(topology, n.id))) {
      throw new MeiliError('miroir_not_ready', 'Not ready: no node can serve reads.');
    }
    return { status: 'ready' };
  }

  @Get('_miroir/openapi.json')
  @Public()
  openApi() {
    return adminOpenApi(MIROIR_VERSION);
  }

  @Get('_miroir/asyncapi.json')
  @Public()
  asyncApi() {
    return asyncApiDocument(MIROIR_VERSION);
  }

  @Get('metrics')
  @AdminOnly()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus() {
    this.metrics.recordWriters(await this.store.writers.list());
    const log = await this.log.state().catch(() => null);
    if (log) {
      this.metrics.logLastSeq.set(log.lastSeq);
      this.metrics.logBytes.set(log.bytes);
    }
    return this.metrics.scrape();
  }
}

/** A node key record as operators see it: never the (sealed) value. */
function nodeKeyView(record: ScopedKeyRecord | null) {
  return (
    record && {
      state: record.state,
      generation: record.generation,
      primaryUid: record.primaryUid,
      previousUid: record.previousUid,
      rotatedAt: record.rotatedAt,
      ageSeconds: record.rotatedAt
        ? Math.round((Date.now() - Date.parse(record.rotatedAt)) / 1000)
        : null,
      grants: record.grants ?? null,
    }
  );
}
