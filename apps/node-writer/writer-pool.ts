import { Gauge, type Registry } from 'prom-client';
import type { EventBus, WriteLog } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import type { HttpNodeClient } from '#lib/node-client';
import { Leadership, type Log } from '#lib/service';
import type { Lease, Store } from '#lib/store';
import { NodeWriter } from './node-writer.js';

const TOPOLOGY_REFRESH_MS = 2000;
const RESTART_DELAY_MS = 1000;
/** Share of a node's progress that is lost if two writers ran: leases make it zero (R5). */
const LEASE_SCOPE = (nodeId: string) => `writer:${nodeId}`;

interface Slot {
  leadership: Leadership;
  writer: NodeWriter | null;
  running: Promise<void> | null;
  abort: AbortController | null;
}

export interface WriterPoolDeps {
  config: MiroirConfig;
  store: Store;
  log: WriteLog;
  nodes: HttpNodeClient;
  bus: EventBus;
  logger: Log;
  instance: string;
}

/**
 * The node writers of one process: it competes for every node's writer lease, and runs a node's
 * writer while it holds its lease (R5: one active writer per node, the nodes shared among any number
 * of processes). A lost lease stops that writer before another process can start.
 */
export class WriterPool {
  private readonly slots = new Map<string, Slot>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly d: WriterPoolDeps) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), TOPOLOGY_REFRESH_MS);
    this.timer.unref();
  }

  /**
   * Metrics of the writers this process runs: for each node it writes to, the log position its
   * node applied, how far behind the log's end that is, and the copy's state.
   */
  metrics(registry: Registry): void {
    const writing = () => this.writing;
    const { store, log } = this.d;
    const statuses = async () => {
      const mine = new Set(writing());
      return (await store.writers.list()).filter((w) => mine.has(w.nodeId));
    };
    new Gauge({
      name: 'miroir_writer_applied_seq',
      help: 'Log position up to which the node applied every message',
      labelNames: ['node'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of await statuses()) this.set({ node: w.nodeId }, w.appliedSeq);
      },
    });
    new Gauge({
      name: 'miroir_writer_lag_messages',
      help: 'Log messages the node has not applied yet',
      labelNames: ['node'],
      registers: [registry],
      async collect() {
        this.reset();
        const { lastSeq } = await log.state();
        for (const w of await statuses()) {
          this.set({ node: w.nodeId }, Math.max(0, lastSeq - w.appliedSeq));
        }
      },
    });
    new Gauge({
      name: 'miroir_writer_copy_state',
      help: "The node's copy state (1 for its current state)",
      labelNames: ['node', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const w of await statuses()) this.set({ node: w.nodeId, state: w.state }, 1);
      },
    });
    new Gauge({
      name: 'miroir_writers_held',
      help: 'Nodes this process writes to (it holds their writer lease)',
      registers: [registry],
      collect() {
        this.set(writing().length);
      },
    });
  }

  /** Node ids this process writes to now. */
  get writing(): string[] {
    return [...this.slots].filter(([, s]) => s.writer !== null).map(([id]) => id);
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    try {
      const topology = await this.d.store.topology.getTopology();
      const nodes = (topology?.nodes ?? []).filter((n) => n.state !== 'removed');
      this.d.nodes.setNodes(nodes);
      const wanted = new Set(nodes.map((n) => n.id));
      for (const id of wanted) if (!this.slots.has(id)) this.open(id);
      for (const [id, slot] of this.slots) {
        if (!wanted.has(id)) {
          this.slots.delete(id);
          await this.close(slot);
        }
      }
    } catch (err) {
      this.d.logger('warn', 'topology-refresh-failed', { error: String(err) });
    }
  }

  private open(nodeId: string): void {
    const ttlMs = this.d.config.writer.leaseTtlMs;
    const slot: Slot = { leadership: null!, writer: null, running: null, abort: null };
    slot.leadership = new Leadership({
      leases: this.d.store.leases,
      scope: LEASE_SCOPE(nodeId),
      holder: this.d.instance,
      ttlMs,
      renewEveryMs: Math.max(100, Math.floor(ttlMs / 5)),
      log: this.d.logger,
      onChange: (lease) => this.onLease(nodeId, slot, lease),
    });
    this.slots.set(nodeId, slot);
    slot.leadership.start();
  }

  private onLease(nodeId: string, slot: Slot, lease: Lease | null): void {
    if (!lease) {
      slot.abort?.abort();
      return;
    }
    const abort = new AbortController();
    slot.abort = abort;
    const loop = async () => {
      while (!abort.signal.aborted && slot.leadership.fence !== null) {
        const writer = this.writer(nodeId, slot);
        slot.writer = writer;
        try {
          await writer.run(abort.signal);
        } catch (err) {
          this.d.logger('error', 'writer-failed', { nodeId, error: String(err) });
        } finally {
          slot.writer = null;
        }
        if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, RESTART_DELAY_MS));
      }
    };
    slot.running = loop();
  }

  private writer(nodeId: string, slot: Slot): NodeWriter {
    const c = this.d.config;
    return new NodeWriter({
      nodeId,
      store: this.d.store,
      log: this.d.log,
      nodes: this.d.nodes,
      bus: this.d.bus,
      logger: this.d.logger,
      holder: this.d.instance,
      fence: () => slot.leadership.fence,
      leaseLeftMs: () => slot.leadership.leftMs,
      limits: {
        batchBytes: c.writer.batchBytes,
        requestTimeoutMs: c.nodeTimeoutMs,
        maxInflight: 64,
        maxReadLagMs: c.writer.maxReadLagMs,
        logMaxAgeMs: c.log.maxAgeMs,
        unreachableAfterMs: 1000,
      },
    });
  }

  private async close(slot: Slot): Promise<void> {
    slot.abort?.abort();
    await slot.running?.catch(() => undefined);
    await slot.leadership.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.slots.values()].map((s) => this.close(s)));
    this.slots.clear();
  }
}
