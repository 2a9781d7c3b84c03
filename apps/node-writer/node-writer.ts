import { LogGap, type EventBus, type LogFollower, type LogMessage, type WriteLog } from '#lib/bus';
import { taskUidOf } from '#lib/contracts';
import {
  isNodeDown,
  NodeApiError,
  type NodeApi,
  type NodeTask,
  type NodeWrite,
} from '#lib/node-client';
import {
  freshWriterStatus,
  batchWrite,
  coalesce,
  nextCopyState,
  applyCatalogChange,
  nodeOpsFor,
  requestOp,
  type NodeOp,
  type CopyLimits,
  type NodeBatch,
  type NodeContext,
  type PlannedOp,
} from '#lib/replication';
import {
  applyPlacementChange,
  VERSION_FIELD,
  versionOfTag,
  type Placement,
  type PlacementChange,
} from '#lib/routing';
import { memberText, nodeSettingsOf } from '#lib/writes';
import type { Log } from '#lib/service';
import { contextOf, inSpan } from '#lib/telemetry';
import type { Fence, PartOutcome, Store, WriterStatus } from '#lib/store';

export interface WriterLimits extends CopyLimits {
  /** Largest coalesced request. */
  batchBytes: number;
  /** Timeout of one node request; the lease must outlive it before each send (R5). */
  requestTimeoutMs: number;
  /** Requests the node may hold unfinished at once (pipelining depth). */
  maxInflight: number;
}

export interface NodeWriterDeps {
  nodeId: string;
  store: Store;
  log: Pick<WriteLog, 'follow' | 'state'>;
  nodes: NodeApi;
  bus: Pick<EventBus, 'publish'>;
  logger: Log;
  limits: WriterLimits;
  /** The fence of this process's lease on the node; null once lost. */
  fence: () => Fence | null;
  /** Milliseconds the lease is still certainly held. */
  leaseLeftMs: () => number;
  holder: string;
  now?: () => number;
  /** Pause between checks for registered requests after an uncertain failure. */
  settleMs?: number;
}

/** A batch on its way through the node: sent, then finished. */
interface Tracked {
  fromSeq: number;
  toSeq: number;
  /** Log time of its first message. */
  at: number;
  /** Tasks whose part the request carries (more than one: combined). */
  tasks: number[];
  nodeTaskUid: number | null;
  done: boolean;
  /** Recorded when the batch finishes, before the applied position passes it. */
  outcomes: { uid: number; outcome: PartOutcome }[];
}

/** The writer stopped on purpose (lease lost, shutdown, copy stale). */
export class WriterStopped extends Error {
  override readonly name = 'WriterStopped';
}

const DOCUMENT_ROUTES = new Set(['documents', 'deleteIds', 'deleteFilter', 'deleteAll']);
const WRITE_TYPES = new Set([
  'documentAdditionOrUpdate',
  'documentDeletion',
  'settingsUpdate',
  'indexCreation',
  'indexDeletion',
]);
const POLL_BUSY_MS = 25;
/** A trusted writer that updated its status this recently is alive (see `waitUntilTrusted`). */
const TRUSTED_ALIVE_MS = 30_000;
const POLL_IDLE_MS = 250;
const TICK_MS = 250;
const FOREIGN_CHECK_MS = 2000;
const MAX_GATHER = 512;
/** Messages the log reader buffers ahead (each at most NATS's max payload). */
const READ_AHEAD = 64;
/** A reader that delivers nothing this long while the log holds more is restarted. */
const STALL_MS = 3000;
/** A peer's status older than this is a dead writer's: it does not set the pace. */
const PEER_FRESH_MS = 3000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The single writer of one node (replication.md): reads the log in order from where the node
 * stopped, sends each message's part for this node (consecutive document parts coalesced), one
 * request at a time so the node enqueues them in log order, while earlier ones are still being
 * processed (pipelining). A refused combined request is split to find the refused part; a transient
 * failure is retried in place, never skipped nor reordered, and a request whose fate is unknown is
 * looked for in the node's task list before it is sent again. Finished node tasks advance the
 * applied position that task statuses and reads depend on (R4).
 */
export class NodeWriter {
  private status!: WriterStatus;
  private readonly tracked: Tracked[] = [];
  /**
   * Node tasks this writer created or adopted, with the log positions they carry (null: unknown);
   * any other newer task is not its own.
   */
  private readonly own = new Map<number, { fromSeq: number; toSeq: number } | null>();
  private unreachableSince: number | null = null;
  private lastProbeAt = 0;
  private lastDeliveryAt = 0;
  private behindSince: number | null = null;
  /** What the writer is doing now, for operators (`GET /_miroir/topology`). */
  private activity = 'starting';
  private broken: string | null = null;
  private follower: LogFollower | null = null;
  private readonly placements = new Map<string, Placement>();
  private readonly deleted = new Map<string, boolean>();
  /** Settings of an index this node is about to get its first copy of (read at that message). */
  private readonly settingsFor = new Map<string, Record<string, unknown> | null>();
  private logLastSeq = 0;
  private dirty = true;
  private readonly now: () => number;
  private readonly stopping = new AbortController();

  constructor(private readonly d: NodeWriterDeps) {
    this.now = d.now ?? Date.now;
  }

  get current(): WriterStatus {
    return this.status;
  }

  /** Runs until stopped, the lease is lost or the copy is stale. */
  async run(signal: AbortSignal): Promise<void> {
    const stop = () => this.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const stored = await this.d.store.writers.get(this.d.nodeId);
      this.status = stored ?? freshWriterStatus(this.d.nodeId, this.now(), 0);
      this.status = { ...this.status, holder: this.d.holder, inflight: [...this.status.inflight] };
      for (const f of this.status.inflight) {
        this.tracked.push({
          fromSeq: f.fromSeq,
          toSeq: f.toSeq,
          at: this.status.oldestPendingAt ?? this.now(),
          tasks: f.tasks,
          nodeTaskUid: f.nodeTaskUid,
          done: false,
          outcomes: [],
        });
        this.own.set(f.nodeTaskUid, { fromSeq: f.fromSeq, toSeq: f.toSeq });
      }
      // The status may lag what is tracked: the pending tail is resent, so sent = applied + inflight.
      this.status.sentSeq = Math.max(
        this.status.appliedSeq,
        ...this.status.inflight.map((f) => f.toSeq),
      );
      await this.persist();
      if (this.status.state === 'stale') {
        this.d.logger('warn', 'copy-stale', { nodeId: this.d.nodeId, error: this.status.error });
        await this.heartbeatUntilStopped();
        return;
      }
      await this.waitUntilTrusted();
      this.activity = 'adopting what a previous writer left on the node';
      await this.adoptNodeTasks();
      this.follower = await this.follow();
      await Promise.all([this.mainLoop(), this.pollLoop(), this.tickLoop()]);
      // A broken copy is marked stale for good before the writer lets go of the node.
      if (this.broken !== null && this.d.fence() !== null) await this.tick();
    } finally {
      signal.removeEventListener('abort', stop);
      this.stopping.abort();
      this.follower?.close();
    }
  }

  stop(): void {
    this.stopping.abort();
    this.follower?.close();
  }

  private get signal(): AbortSignal {
    return this.stopping.signal;
  }

  private ensureRunning(): void {
    if (this.signal.aborted) throw new WriterStopped('stopping');
    if (this.d.fence() === null) throw new WriterStopped('lease lost');
    if (this.broken !== null) throw new WriterStopped(`copy broken: ${this.broken}`);
  }

  // ---- reading and sending ------------------------------------------------------------------

  /** Reads the log from the first position this node has not been sent. */
  private follow(): Promise<LogFollower> {
    this.lastDeliveryAt = this.now();
    return this.d.log.follow(this.status.sentSeq + 1, { maxMessages: READ_AHEAD });
  }

  private async mainLoop(): Promise<void> {
    try {
      while (!this.signal.aborted && this.broken === null) {
        this.activity = `reading the log after ${this.status.sentSeq}`;
        const first = await this.follower!.next();
        if (!first) {
          if (this.signal.aborted || this.broken !== null) return;
          // The reader was closed because it stalled: read again from where the node is.
          this.follower = await this.follow();
          continue;
        }
        this.lastDeliveryAt = this.now();
        const messages = [first];
        while (messages.length < MAX_GATHER && this.follower!.available > 0) {
          const m = await this.follower!.next();
          if (!m) break;
          messages.push(m);
        }
        await this.handle(messages);
      }
    } catch (err) {
      if (err instanceof LogGap) this.markBroken(err.message);
      else if (!(err instanceof WriterStopped)) throw err;
    } finally {
      this.stopping.abort();
    }
  }

  private async handle(messages: LogMessage[]): Promise<void> {
    const planned: (PlannedOp & { at: number })[] = [];
    for (const m of messages) {
      this.ensureRunning();
      const last = planned[planned.length - 1];
      const expected = last ? last.seq + 1 : this.status.sentSeq + 1;
      if (m.seq < expected) continue; // delivered again after a reconnect
      if (m.seq > expected) {
        this.markBroken(`log messages ${expected}..${m.seq - 1} are gone (past the log's limits)`);
        throw new WriterStopped('gap');
      }
      if (m.header.catalog) await this.applyCatalog(m);
      await this.prepare(m);
      for (const op of nodeOpsFor(m.header, m.body, m.seq, this.context())) {
        planned.push({ seq: m.seq, taskUid: taskUidOf(m.seq), at: m.time, op });
      }
      const op = m.header.op;
      if (op.kind === 'placement') {
        // Every writer moves to the new placement at this very position (operations.md).
        const placement = this.placements.get(op.index.nodeUid);
        if (placement) {
          this.placements.set(op.index.nodeUid, applyPlacementChange(placement, op.change, m.seq));
        }
        this.settingsFor.delete(op.index.nodeUid);
        await this.commitPlacement(op.index.nodeUid, op.change, m.seq);
      }
    }
    if (planned.length === 0) return;
    // Cancel is all or nothing: a task canceled before any writer started it is skipped here too.
    const canceled = await this.d.store.writers.start(
      planned.filter((p) => p.op.kind !== 'none').map((p) => p.taskUid),
    );
    const times = new Map(planned.map((p) => [p.seq, p.at]));
    const ops: PlannedOp[] = planned.map(({ seq, taskUid, op }) => ({
      seq,
      taskUid,
      op: canceled.has(taskUid) ? { kind: 'none', reason: 'nothing-for-nodes' } : op,
    }));
    const traces = new Map(messages.map((m) => [m.seq, m.header.trace]));
    for (const batch of coalesce(ops, this.d.limits.batchBytes)) {
      // The node call belongs to the trace of the write(s) it carries (tracing on).
      const carried = [
        ...new Set(batch.ops.filter((p) => p.op.kind !== 'none').map((p) => traces.get(p.seq))),
      ]
        .filter(Boolean)
        .map((traceparent) => contextOf({ traceparent }));
      const at = times.get(batch.fromSeq) ?? this.now();
      if (requestOp(batch) === null) await this.send(batch, at);
      else
        await inSpan(
          'node write',
          {
            parent: carried[0],
            links: carried.slice(1),
            attributes: {
              'miroir.node': this.d.nodeId,
              'miroir.log.from': batch.fromSeq,
              'miroir.log.to': batch.toSeq,
            },
          },
          () => this.send(batch, at),
        );
      this.status.sentSeq = batch.toSeq;
      this.dirty = true;
    }
    await this.persist();
  }

  private async applyCatalog(m: LogMessage): Promise<void> {
    const c = m.header.catalog!;
    const result = await applyCatalogChange(this.d.store, m.seq, c);
    if (result === 'gap') {
      this.d.logger('warn', 'catalog-gap', {
        nodeId: this.d.nodeId,
        seq: m.seq,
        prevSeq: c.prevSeq,
      });
    }
    for (const nodeUid of c.dropped) this.deleted.set(nodeUid, true);
  }

  /** Loads what planning a message needs: its index's placement and whether it was deleted. */
  private async prepare(m: LogMessage): Promise<void> {
    const op = m.header.op;
    if (!('index' in op)) return;
    const nodeUid = op.index.nodeUid;
    if (!this.deleted.has(nodeUid)) {
      const state = await this.d.store.catalog.nodeIndex(nodeUid);
      this.deleted.set(nodeUid, state?.deletedAtSeq != null);
    }
    if (!this.placements.has(nodeUid)) {
      const placement = await this.d.store.topology.getPlacement(nodeUid);
      if (placement) this.placements.set(nodeUid, placement);
    }
    if (
      op.kind === 'placement' &&
      op.change.step === 'incoming' &&
      op.change.node === this.d.nodeId
    ) {
      // The catalog here is at least at this position (this writer applied every meta message
      // before it): settings changed later are applied again after, which ends the same.
      const owner = await this.d.store.catalog.nodeIndex(nodeUid);
      const record = owner?.uid ? await this.d.store.catalog.get(owner.uid) : null;
      this.settingsFor.set(
        nodeUid,
        record && record.nodeUid === nodeUid ? nodeSettingsOf(record.settings) : null,
      );
    }
  }

  /**
   * A writer that starts past the log's beginning (a node added or rebuilt) has not seen the
   * placement steps before it: it waits until a writer that has (a trusted one, alive) passed its
   * start, so every earlier step is in the store, before it commits any step of its own — else it
   * could commit a later step first, and the store (which ignores older steps) skip one a slower
   * writer had still to commit. With no trusted writer alive, nobody else ever will: it goes on.
   */
  private async waitUntilTrusted(): Promise<void> {
    if (this.status.trusted !== false) return;
    const from = this.status.fromSeq ?? 0;
    this.activity = `waiting for the writers ahead to pass log position ${from}`;
    for (;;) {
      this.ensureRunning();
      const others = (await this.d.store.writers.list()).filter(
        (w) =>
          w.nodeId !== this.d.nodeId &&
          w.trusted !== false &&
          this.now() - w.updatedAt < TRUSTED_ALIVE_MS,
      );
      if (others.length === 0 || others.some((w) => w.sentSeq >= from - 1)) break;
      await sleep(POLL_BUSY_MS, this.signal);
    }
    this.status.trusted = true;
    this.dirty = true;
    await this.persist();
  }

  /**
   * Brings the store's placement up to this step before the writer moves past it: the mover
   * appends a step and then commits it, and a writer that restarted in between would otherwise
   * read a placement without it and never take its part. Applying a step twice changes nothing.
   */
  private async commitPlacement(nodeUid: string, change: PlacementChange, seq: number) {
    for (;;) {
      this.ensureRunning();
      const epoch = await this.d.store.topology.epoch();
      const placement = await this.d.store.topology.getPlacement(nodeUid);
      if (!placement) return; // the index is gone
      const next = applyPlacementChange(placement, change, seq);
      if (next === placement) return;
      const { epoch: _e, ...rest } = next;
      const result = await this.d.store.topology.commit({ placements: { [nodeUid]: rest } }, epoch);
      if (result.ok) return;
    }
  }

  private context(): NodeContext {
    return {
      nodeId: this.d.nodeId,
      placement: (nodeUid) => this.placements.get(nodeUid) ?? null,
      deleted: (nodeUid) => this.deleted.get(nodeUid) === true,
      nodeSettings: (nodeUid) => this.settingsFor.get(nodeUid) ?? null,
    };
  }

  private async waitForRoom(): Promise<void> {
    while (this.tracked.filter((t) => !t.done).length >= this.d.limits.maxInflight) {
      this.ensureRunning();
      await sleep(POLL_BUSY_MS, this.signal);
    }
  }

  /** Sends one batch; returns once the node has it (or its refusal is recorded). */
  private async send(batch: NodeBatch, at: number): Promise<void> {
    const head = requestOp(batch);
    if (head?.kind === 'repair') return this.repair(batch, head, at);
    if (head?.kind === 'guardedUpdate') return this.guardedUpdate(batch, head, at);
    const write = batchWrite(batch);
    if (!write) {
      this.track(batch, at, null, true, skipOutcomes(batch));
      return;
    }
    const tasks = batch.ops.filter((p) => p.op.kind !== 'none').map((p) => p.taskUid);
    this.activity = `waiting for room to send ${batch.fromSeq}..${batch.toSeq}`;
    await this.waitForRoom();
    this.activity = `sending ${batch.fromSeq}..${batch.toSeq}`;
    let delay = 100;
    for (;;) {
      this.ensureRunning();
      if (this.d.leaseLeftMs() < this.d.limits.requestTimeoutMs + 500) {
        this.activity = `waiting for the lease before sending ${batch.fromSeq}`;
        await sleep(100, this.signal);
        continue;
      }
      try {
        const summary = await this.d.nodes.write(
          this.d.nodeId,
          write,
          DOCUMENT_ROUTES.has(write.kind)
            ? { customMetadata: `miroir:${batch.fromSeq}-${batch.toSeq}` }
            : {},
          { timeoutMs: this.d.limits.requestTimeoutMs, signal: this.signal },
        );
        this.reachable();
        this.adopt(summary.taskUid, batch);
        this.track(batch, at, summary.taskUid, false, skipOutcomes(batch), tasks);
        return;
      } catch (err) {
        if (this.signal.aborted) throw new WriterStopped('stopping');
        if (
          err instanceof NodeApiError &&
          err.status < 500 &&
          err.body.type === 'invalid_request'
        ) {
          this.reachable();
          await this.refused(batch, at, err);
          return;
        }
        this.status.retries++;
        this.dirty = true;
        if (err instanceof NodeApiError) {
          // The node answered (5xx, internal or system error): nothing was enqueued; try again.
          this.reachable();
          this.d.logger('warn', 'write-retry', {
            nodeId: this.d.nodeId,
            seq: batch.fromSeq,
            error: err.message,
          });
        } else {
          if (isNodeDown(err)) this.unreachable();
          this.d.logger('warn', 'write-uncertain', {
            nodeId: this.d.nodeId,
            seq: batch.fromSeq,
            error: String(err),
          });
          await sleep(delay, this.signal);
          this.activity = `looking for ${batch.fromSeq}..${batch.toSeq} among the node's tasks`;
          const registered = await this.findRegistered(write);
          if (registered !== null) {
            this.track(batch, at, registered, false, skipOutcomes(batch), tasks);
            return;
          }
        }
        await sleep(delay, this.signal);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /**
   * A repair (the copy checker's, later a migration's copy): with everything before it finished on
   * the node, each document goes back only where the copy holds an older version or none, and each
   * removal happens only where the copy holds nothing newer — so a repair can never undo a write
   * that came after it was decided.
   */
  private async repair(
    batch: NodeBatch,
    op: Extract<NodeOp, { kind: 'repair' }>,
    at: number,
  ): Promise<void> {
    const [planned] = batch.ops.filter((p) => p.op.kind === 'repair');
    const { seq, taskUid } = planned!;
    await this.waitUntilIdle();
    const docs = op.ndjson
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((text) => ({ text, value: JSON.parse(text) as Record<string, unknown> }));
    const idOf = (d: (typeof docs)[number]) => memberText(d.text, op.primaryKey) ?? '';
    const ids = [...docs.map((d) => unquote(idOf(d))), ...op.removals.map((r) => r.id)];
    const current = await this.currentVersions(op.nodeUid, op.primaryKey, ids);
    if (!current) return this.sendDecided(batch, seq, taskUid, [], at);
    const put = docs.filter((d) => {
      const mine = current.get(unquote(idOf(d)));
      const version = versionOfTag(d.value[VERSION_FIELD]) ?? 0;
      return mine === undefined || mine < version || (op.overEqual && mine === version);
    });
    const remove = op.removals.filter((r) => {
      const mine = current.get(r.id);
      return mine !== undefined && mine <= r.version;
    });
    const writes: NodeOp[] = [];
    if (put.length) {
      writes.push({
        kind: 'documents',
        nodeUid: op.nodeUid,
        method: 'replace',
        primaryKey: op.primaryKey,
        ndjson: put.map((d) => `${d.text}\n`).join(''),
        count: put.length,
      });
    }
    if (remove.length)
      writes.push({ kind: 'deleteIds', nodeUid: op.nodeUid, ids: remove.map((r) => r.id) });
    this.d.logger('info', 'repair', {
      nodeId: this.d.nodeId,
      seq,
      put: put.length,
      removed: remove.length,
    });
    await this.sendDecided(batch, seq, taskUid, writes, at);
  }

  /** Sends the writes a repair or guarded update decided on, as its own requests. */
  private async sendDecided(
    batch: NodeBatch,
    seq: number,
    taskUid: number,
    writes: NodeOp[],
    at: number,
  ): Promise<void> {
    if (writes.length === 0) {
      this.track(batch, at, null, true, [
        ...skipOutcomes(batch),
        { uid: taskUid, outcome: { status: 'succeeded' } },
      ]);
      return;
    }
    for (const w of writes) {
      await this.send({ ops: [{ seq, taskUid, op: w }], fromSeq: seq, toSeq: seq }, at);
    }
    // Ops riding along (nothing to send) finish with the batch.
    if (batch.ops.length > 1) this.track(batch, at, null, true, skipOutcomes(batch));
  }

  /** Everything sent before has finished on the node, so what it holds now is what the log says. */
  private async waitUntilIdle(): Promise<void> {
    while (this.tracked.length > 0) {
      this.ensureRunning();
      await sleep(POLL_BUSY_MS, this.signal);
    }
  }

  /**
   * Partial updates reaching a copy a move is still filling (consecutive ones of an index, in one
   * batch): their guarded lines apply only to the documents the copy already holds (see
   * `guardedUpdate` in node-ops), asked of the node once for the whole batch — guarded lines create
   * nothing, so what it holds does not change within the batch — and sent as one request, in log
   * order.
   */
  private async guardedUpdate(
    batch: NodeBatch,
    head: Extract<NodeOp, { kind: 'guardedUpdate' }>,
    at: number,
  ): Promise<void> {
    await this.waitUntilIdle();
    const idOf = (line: string) => unquote(memberText(line, head.primaryKey) ?? '');
    const guardedLines = (op: NodeOp) =>
      op.kind === 'guardedUpdate' ? op.guarded.split('\n').filter((l) => l.trim() !== '') : [];
    const ids = batch.ops.flatMap((p) => guardedLines(p.op).map(idOf));
    // No index on the node: the copy holds nothing (owner parts, if any, go as usual).
    const held = (await this.currentVersions(head.nodeUid, head.primaryKey, ids)) ?? new Map();
    let kept = 0;
    const decided: PlannedOp[] = batch.ops.map((p) => {
      if (p.op.kind !== 'guardedUpdate') return p;
      const lines = guardedLines(p.op).filter((line) => held.has(idOf(line)));
      kept += lines.length;
      const ndjson = p.op.ndjson + lines.map((line) => `${line}\n`).join('');
      const count = ndjson.split('\n').filter((line) => line.trim() !== '').length;
      const op: NodeOp = {
        kind: 'documents',
        nodeUid: p.op.nodeUid,
        method: 'update',
        primaryKey: p.op.primaryKey,
        ndjson,
        count,
      };
      return { ...p, op };
    });
    this.d.logger('info', 'guarded-update', {
      nodeId: this.d.nodeId,
      from: batch.fromSeq,
      to: batch.toSeq,
      held: kept,
      notYetCopied: ids.length - kept,
    });
    const writes = decided.filter((p) => p.op.kind === 'documents' && p.op.ndjson !== '');
    if (writes.length === 0) {
      // Nothing to write: each update is done on this copy.
      this.track(batch, at, null, true, [
        ...skipOutcomes(batch),
        ...decided
          .filter((p) => p.op.kind === 'documents')
          .map((p) => ({ uid: p.taskUid, outcome: { status: 'succeeded' as const } })),
      ]);
      return;
    }
    // One request; updates left with nothing ride along and end with it.
    await this.send({ ops: decided, fromSeq: batch.fromSeq, toSeq: batch.toSeq }, at);
  }

  /**
   * Versions the node holds for these ids (absent: not held); null when the node has no such index
   * (nothing is held, and nothing must be written: a write would create the index bare).
   */
  private async currentVersions(
    nodeUid: string,
    primaryKey: string,
    ids: string[],
  ): Promise<Map<string, number> | null> {
    const versions = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      for (;;) {
        this.ensureRunning();
        try {
          const page = await this.d.nodes.fetchDocuments(
            this.d.nodeId,
            nodeUid,
            { ids: chunk, fields: [primaryKey, VERSION_FIELD], limit: chunk.length },
            { timeoutMs: this.d.limits.requestTimeoutMs },
          );
          for (const doc of page.results) {
            versions.set(String(doc[primaryKey]), versionOfTag(doc[VERSION_FIELD]) ?? 0);
          }
          break;
        } catch (err) {
          if (err instanceof NodeApiError && err.body.code === 'index_not_found') {
            this.d.logger('warn', 'index-missing', { nodeId: this.d.nodeId, nodeUid });
            return null;
          }
          if (isNodeDown(err)) this.unreachable();
          await sleep(500, this.signal);
        }
      }
    }
    return versions;
  }

  /** A refusal that depends only on the request: split a combined batch to find the bad part. */
  private async refused(batch: NodeBatch, at: number, err: NodeApiError): Promise<void> {
    const requests = batch.ops.filter((p) => p.op.kind !== 'none');
    if (requests.length > 1) {
      this.d.logger('info', 'batch-split', {
        nodeId: this.d.nodeId,
        seq: batch.fromSeq,
        error: err.body.code,
      });
      for (const p of batch.ops) {
        await this.send({ ops: [p], fromSeq: p.seq, toSeq: p.seq }, at);
      }
      return;
    }
    this.status.refusedParts++;
    this.dirty = true;
    const [failed] = requests;
    const outcomes = skipOutcomes(batch);
    if (failed) {
      outcomes.push({
        uid: failed.taskUid,
        outcome: { status: 'failed', nodeTaskUid: null, error: err.body },
      });
    }
    this.track(batch, at, null, true, outcomes);
  }

  /**
   * After a request whose fate is unknown (timeout, dropped connection): waits until the node
   * answers, lets a late request land, and looks for tasks newer than the last one this writer
   * knows. As the node's only writer, any such task is this request. Null: not registered.
   */
  private async findRegistered(write: NodeWrite): Promise<number | null> {
    let delay = 200;
    for (;;) {
      this.ensureRunning();
      try {
        await this.d.nodes.listTasks(
          this.d.nodeId,
          { limit: 1 },
          { timeoutMs: this.d.limits.requestTimeoutMs },
        );
        await sleep(this.d.settleMs ?? 1000, this.signal);
        const newer = await this.newerTasks();
        this.reachable();
        if (newer.length === 0) return null;
        const latest = newer[newer.length - 1]!;
        if (!matchesWrite(latest, write)) {
          this.markBroken(`node task ${latest.uid} (${latest.type}) is not the request in flight`);
          throw new WriterStopped('foreign task');
        }
        for (const t of newer) this.adopt(t.uid, rangeOf(t));
        return latest.uid;
      } catch (err) {
        if (err instanceof WriterStopped) throw err;
        if (isNodeDown(err)) this.unreachable();
        await sleep(delay, this.signal);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  /** Node tasks of write types newer than the last known one, oldest first. */
  private async newerTasks(): Promise<NodeTask[]> {
    const page = await this.d.nodes.listTasks(
      this.d.nodeId,
      { limit: 50 },
      { timeoutMs: this.d.limits.requestTimeoutMs },
    );
    const floor = this.status.lastNodeTaskUid ?? -1;
    return page.results
      .filter((t) => t.uid > floor && WRITE_TYPES.has(t.type))
      .sort((a, b) => a.uid - b.uid);
  }

  /**
   * On taking the node over: tasks a previous writer sent after it last saved its progress are
   * resent (in order, so harmlessly); from here on, a newer task this writer did not create means
   * a request registered late and out of order.
   */
  private async adoptNodeTasks(): Promise<void> {
    for (;;) {
      this.ensureRunning();
      try {
        const newer = await this.newerTasks();
        await sleep(this.d.settleMs ?? 1000, this.signal);
        const again = await this.newerTasks();
        for (const t of [...newer, ...again]) this.adopt(t.uid, rangeOf(t));
        this.reachable();
        return;
      } catch (err) {
        if (err instanceof WriterStopped) throw err;
        if (isNodeDown(err)) this.unreachable();
        await sleep(500, this.signal);
      }
    }
  }

  private adopt(nodeTaskUid: number, range: { fromSeq: number; toSeq: number } | null): void {
    this.own.set(nodeTaskUid, range);
    if (this.own.size > 4096) this.own.delete(this.own.keys().next().value!);
    if (this.status.lastNodeTaskUid === null || nodeTaskUid > this.status.lastNodeTaskUid) {
      this.status.lastNodeTaskUid = nodeTaskUid;
      this.dirty = true;
    }
  }

  private track(
    batch: NodeBatch,
    at: number,
    nodeTaskUid: number | null,
    done: boolean,
    outcomes: Tracked['outcomes'],
    tasks: number[] = [],
  ): void {
    const { fromSeq, toSeq } = batch;
    this.tracked.push({ fromSeq, toSeq, at, tasks, nodeTaskUid, done, outcomes });
    this.dirty = true;
  }

  // ---- following the node's tasks -----------------------------------------------------------

  private async pollLoop(): Promise<void> {
    let lastForeignCheck = 0;
    while (!this.signal.aborted) {
      const pending = this.tracked.filter((t) => !t.done && t.nodeTaskUid !== null);
      try {
        if (pending.length > 0) await this.poll(pending.slice(0, 100));
        if (this.now() - lastForeignCheck > FOREIGN_CHECK_MS && this.own.size > 0) {
          lastForeignCheck = this.now();
          await this.checkForeign();
        }
        await this.fold();
      } catch (err) {
        if (err instanceof WriterStopped) return;
        if (isNodeDown(err)) this.unreachable();
        else this.d.logger('warn', 'poll-failed', { nodeId: this.d.nodeId, error: String(err) });
      }
      await sleep(pending.length > 0 ? POLL_BUSY_MS : POLL_IDLE_MS, this.signal);
    }
  }

  private async poll(pending: Tracked[]): Promise<void> {
    const uids = pending.map((t) => t.nodeTaskUid!);
    const page = await this.d.nodes.listTasks(
      this.d.nodeId,
      { uids, limit: uids.length },
      { timeoutMs: this.d.limits.requestTimeoutMs },
    );
    this.reachable();
    const byUid = new Map(page.results.map((t) => [t.uid, t]));
    for (const t of pending) {
      const task = byUid.get(t.nodeTaskUid!);
      if (!task) {
        // The node lost a task it had accepted (restarted without it, tasks deleted behind us).
        this.markBroken(`node task ${t.nodeTaskUid} disappeared`);
        return;
      }
      if (task.status === 'enqueued' || task.status === 'processing') continue;
      this.finished(t, task);
    }
  }

  private finished(t: Tracked, task: NodeTask): void {
    const error = task.error ?? undefined;
    const ok =
      task.status === 'succeeded' ||
      // Deleting an index that is already gone (a replay after a takeover) is done.
      (task.status === 'failed' &&
        task.type === 'indexDeletion' &&
        error?.code === 'index_not_found');
    const single = t.tasks.length === 1;
    if (ok) {
      for (const uid of t.tasks) {
        t.outcomes.push({
          uid,
          outcome: {
            status: 'succeeded',
            nodeTaskUid: task.uid,
            ...(single && task.details ? { details: task.details } : {}),
          },
        });
      }
      t.done = true;
      return;
    }
    if (task.status === 'failed' && single && error?.type === 'invalid_request') {
      // Deterministic: every copy of this part fails the same way, in the same order (R6).
      t.outcomes.push({
        uid: t.tasks[0]!,
        outcome: { status: 'failed', nodeTaskUid: task.uid, error },
      });
      t.done = true;
      this.status.refusedParts++;
      return;
    }
    this.markBroken(
      `node task ${task.uid} ended ${task.status}${error ? ` (${error.code}: ${error.message})` : ''} for log positions ${t.fromSeq}..${t.toSeq}`,
    );
  }

  /**
   * A write task this writer did not create, registered late (a request a dead writer left in a
   * frozen node's socket): harmless if nothing newer than what it carries was registered before
   * it (it is a replay in order); otherwise the node applied an older write after a newer one, and
   * the copy can no longer be trusted.
   */
  private async checkForeign(): Promise<void> {
    const page = await this.d.nodes.listTasks(
      this.d.nodeId,
      { limit: 50 },
      { timeoutMs: this.d.limits.requestTimeoutMs },
    );
    const floor = Math.min(...this.own.keys());
    for (const t of [...page.results].sort((a, b) => a.uid - b.uid)) {
      if (t.uid <= floor || this.own.has(t.uid) || !WRITE_TYPES.has(t.type)) continue;
      const range = rangeOf(t);
      // Not a Miroir request (someone wrote to the node around Miroir, e.g. another index): not
      // this log's order to judge; the copy checker finds any damage to Miroir's own indexes.
      if (range === null) continue;
      const before = [...this.own].filter(([uid]) => uid < t.uid);
      const overtaken = before.some(([, r]) => r === null || r.toSeq > range.toSeq);
      if (overtaken) {
        this.markBroken(`node task ${t.uid} registered out of order`);
        return;
      }
      this.d.logger('warn', 'late-request', { nodeId: this.d.nodeId, nodeTaskUid: t.uid, range });
      this.adopt(t.uid, range);
    }
  }

  /** Applied position: every batch up to it is finished; outcomes recorded before it moves. */
  private async fold(): Promise<void> {
    let n = 0;
    while (n < this.tracked.length && this.tracked[n]!.done) n++;
    if (n === 0) return;
    const finished = this.tracked.slice(0, n);
    await this.d.store.writers.recordOutcomes(
      this.d.nodeId,
      finished.flatMap((t) => t.outcomes),
    );
    this.tracked.splice(0, n);
    this.status.appliedSeq = Math.max(this.status.appliedSeq, finished[n - 1]!.toSeq);
    this.dirty = true;
    await this.persist();
  }

  // ---- read state, progress -----------------------------------------------------------------

  /**
   * A node that failed a call is only seen again by the next call; with no write in flight there
   * is none, so an idle copy would stay `lagging` for good. Ask the node's health instead, once a
   * second, until it answers.
   */
  private async probeIfUnreachable(): Promise<void> {
    if (this.unreachableSince === null || this.tracked.some((t) => !t.done)) return;
    if (this.now() - this.lastProbeAt < 1000) return;
    this.lastProbeAt = this.now();
    try {
      await this.d.nodes.health(this.d.nodeId, { timeoutMs: 1000, signal: this.signal });
      this.reachable();
    } catch (err) {
      if (isNodeDown(err)) this.unreachable();
    }
  }

  private reachable(): void {
    if (this.unreachableSince !== null) this.dirty = true;
    this.unreachableSince = null;
  }

  private unreachable(): void {
    this.unreachableSince ??= this.now();
  }

  private markBroken(reason: string): void {
    if (this.broken !== null) return;
    this.broken = reason;
    this.d.logger('error', 'copy-broken', { nodeId: this.d.nodeId, reason });
  }

  private async tickLoop(): Promise<void> {
    let lastLogState = 0;
    while (!this.signal.aborted) {
      try {
        if (this.now() - lastLogState > 1000) {
          lastLogState = this.now();
          this.logLastSeq = (await this.d.log.state()).lastSeq;
        }
        await this.tick();
      } catch (err) {
        if (err instanceof WriterStopped) return;
        this.d.logger('warn', 'tick-failed', { nodeId: this.d.nodeId, error: String(err) });
      }
      await sleep(TICK_MS, this.signal);
    }
  }

  private async tick(): Promise<void> {
    const reported = await this.d.store.writers.copyBreak(this.d.nodeId);
    if (reported !== null) this.markBroken(reported);
    await this.probeIfUnreachable();
    const now = this.now();
    if (
      this.activity.startsWith('reading') &&
      this.logLastSeq > this.status.sentSeq &&
      now - this.lastDeliveryAt > STALL_MS
    ) {
      this.d.logger('warn', 'log-reader-stalled', {
        nodeId: this.d.nodeId,
        at: this.status.sentSeq,
      });
      this.lastDeliveryAt = now;
      this.follower?.close();
    }
    const others = await this.d.store.writers.list();
    // The most caught-up copy that serves reads and whose writer is alive sets the pace.
    const readable = others.filter(
      (w) =>
        w.nodeId !== this.d.nodeId && w.state === 'caught-up' && now - w.updatedAt < PEER_FRESH_MS,
    );
    // Behind the log with nothing in flight (reading, or stuck before sending): pending since then.
    if (this.logLastSeq <= this.status.appliedSeq || this.tracked.length > 0) {
      this.behindSince = null;
    } else this.behindSince ??= now;
    const pendingAt = this.tracked.find((t) => !t.done)?.at ?? this.behindSince;
    let best: number | null;
    if (readable.length === 0) best = pendingAt;
    else if (readable.some((w) => w.oldestPendingAt === null)) best = null;
    else best = Math.max(...readable.map((w) => w.oldestPendingAt!));
    const step = nextCopyState(
      {
        state: this.status.state,
        stateSince: this.status.stateSince,
        rejoinTarget: this.status.rejoinTarget,
      },
      {
        now,
        unreachableSince: this.unreachableSince,
        oldestPendingAt: pendingAt,
        bestOldestPendingAt: best,
        appliedSeq: this.status.appliedSeq,
        logLastSeq: Math.max(this.logLastSeq, this.status.sentSeq),
        broken: this.broken,
        limits: this.d.limits,
      },
    );
    this.status.oldestPendingAt = pendingAt;
    this.status.lagMessages = Math.max(0, this.logLastSeq - this.status.appliedSeq);
    this.status = { ...this.status, ...step.copy };
    if (step.changed) {
      this.status.error = step.changed.to === 'stale' ? step.changed.reason : null;
      this.d.logger(step.changed.to === 'caught-up' ? 'info' : 'warn', 'copy-state', {
        nodeId: this.d.nodeId,
        ...step.changed,
        appliedSeq: this.status.appliedSeq,
      });
    }
    this.dirty = true;
    await this.persist();
    if (step.changed) {
      this.d.bus.publish('nodes.copy', {
        nodeId: this.d.nodeId,
        ...step.changed,
        appliedSeq: this.status.appliedSeq,
      });
    }
    if (this.status.state === 'stale') this.stop();
  }

  /**
   * A stale copy's writer holds its lease and waits: until the rebalancer hands the copy back to be
   * rebuilt (it holds no shard now), when the writer starts again from the request's position.
   */
  private async heartbeatUntilStopped(): Promise<void> {
    while (!this.signal.aborted && this.d.fence() !== null) {
      const rebuild = await this.d.store.rebuilds.get(this.d.nodeId).catch(() => null);
      if (rebuild) {
        const lastNodeTaskUid = this.status.lastNodeTaskUid;
        this.status = {
          ...freshWriterStatus(this.d.nodeId, this.now(), rebuild.fromSeq),
          lastNodeTaskUid,
          holder: this.d.holder,
        };
        this.dirty = true;
        await this.persist();
        await this.d.store.writers.clearCopyBreak(this.d.nodeId);
        await this.d.store.rebuilds.delete(this.d.nodeId);
        this.d.bus.publish('nodes.copy', {
          nodeId: this.d.nodeId,
          from: 'stale',
          to: 'caught-up',
          reason: `rebuilt: holds nothing, starts after log position ${rebuild.fromSeq}`,
          appliedSeq: rebuild.fromSeq,
        });
        this.d.logger('info', 'copy-rebuilt', { nodeId: this.d.nodeId, fromSeq: rebuild.fromSeq });
        return;
      }
      this.dirty = true;
      await this.persist().catch(() => undefined);
      await sleep(1000, this.signal);
    }
  }

  private async persist(): Promise<void> {
    if (!this.dirty) return;
    const fence = this.d.fence();
    if (!fence) throw new WriterStopped('lease lost');
    this.status.inflight = this.tracked
      .filter((t) => !t.done && t.nodeTaskUid !== null)
      .map((t) => ({
        nodeTaskUid: t.nodeTaskUid!,
        fromSeq: t.fromSeq,
        toSeq: t.toSeq,
        tasks: t.tasks,
        combined: t.tasks.length > 1,
      }));
    this.status.updatedAt = this.now();
    this.status.activity = this.activity;
    this.dirty = false;
    await this.d.store.writers.put(this.status, fence);
  }
}

/** Outcomes of the parts a batch skipped on purpose (index deleted meanwhile). */
function skipOutcomes(batch: NodeBatch): { uid: number; outcome: PartOutcome }[] {
  return batch.ops
    .filter((p) => p.op.kind === 'none' && p.op.reason === 'index-deleted')
    .map((p) => ({ uid: p.taskUid, outcome: { status: 'skipped', reason: 'index-deleted' } }));
}

/** Whether a node task is what a request would have registered. */
function matchesWrite(task: NodeTask, write: NodeWrite): boolean {
  const expected: Record<NodeWrite['kind'], string> = {
    documents: 'documentAdditionOrUpdate',
    deleteIds: 'documentDeletion',
    deleteFilter: 'documentDeletion',
    deleteAll: 'documentDeletion',
    settings: 'settingsUpdate',
    createIndex: 'settingsUpdate',
    deleteIndex: 'indexDeletion',
  };
  return task.type === expected[write.kind];
}

/** A member's raw JSON text as an id: strings without their quotes, integers as written. */
function unquote(raw: string): string {
  return raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
}

/** The log positions a node task carries, from the writer's `customMetadata` (document routes). */
function rangeOf(task: NodeTask): { fromSeq: number; toSeq: number } | null {
  const m = /^miroir:(\d+)-(\d+)$/.exec(task.customMetadata ?? '');
  return m ? { fromSeq: Number(m[1]), toSeq: Number(m[2]) } : null;
}
