import { Injectable } from '@nestjs/common';
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import { METRICS_REPLY, METRICS_REQUEST } from '../cluster-messages.js';
import type { RequestMetric } from '#lib/node-client';
import type { WriterStatus } from '#lib/store';

/**
 * Prometheus metrics of the gateway: `registry` holds what this process counts (requests, node
 * calls, its process metrics), summed over a cluster's workers; `state` holds gauges of shared
 * state (writers, copies, the log), set from the store by whichever process answers a scrape.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly state = new Registry();
  readonly httpRequests = new Histogram({
    name: 'miroir_http_request_duration_seconds',
    help: 'Client requests served by the gateway',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly nodeRequests = new Histogram({
    name: 'miroir_node_request_duration_seconds',
    help: 'Requests from the gateway to Meilisearch nodes',
    labelNames: ['node', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly partialReads = new Counter({
    name: 'miroir_partial_reads_total',
    help: 'Reads answered without some shards (policy partial, X-Miroir-Degraded)',
    registers: [this.registry],
  });
  readonly aliasResolutions = new Counter({
    name: 'miroir_alias_resolutions_total',
    help: 'Client requests that named an alias',
    labelNames: ['alias'],
    registers: [this.registry],
  });
  readonly aliasFlips = new Counter({
    name: 'miroir_alias_flips_total',
    help: 'Alias flips made by this gateway',
    labelNames: ['alias'],
    registers: [this.registry],
  });
  readonly scopedKeyAge = new Gauge({
    name: 'miroir_scoped_key_age_seconds',
    help: "Age of a node index's scoped search key (since it was minted or promoted)",
    labelNames: ['index'],
    registers: [this.registry],
    aggregator: 'max',
  });
  readonly scopedKeyGeneration = new Gauge({
    name: 'miroir_scoped_key_generation',
    help: "Generation of a node index's scoped search key this gateway uses",
    labelNames: ['index'],
    registers: [this.registry],
    aggregator: 'min',
  });
  readonly scopedKeyFallbacks = new Counter({
    name: 'miroir_scoped_key_fallbacks_total',
    help: 'Node searches retried with the node key because a node refused the scoped key',
    registers: [this.registry],
  });
  readonly twoPhaseSearches = new Counter({
    name: 'miroir_two_phase_searches_total',
    help: 'Deep searches run in two phases; outcome retried: a copy changed between them',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly writerApplied = this.writerGauge('applied_seq', 'Log position applied on the node');
  readonly writerLag = this.writerGauge('lag_messages', 'Log messages not yet applied on the node');
  readonly writerLagSeconds = this.writerGauge(
    'lag_seconds',
    'Age of the oldest log message not yet applied on the node',
  );
  readonly writerRetries = this.writerGauge('retries', 'Node requests retried by its writer');
  readonly writerRefused = this.writerGauge('refused_parts', 'Parts the node refused for good');
  readonly copyState = new Gauge({
    name: 'miroir_copy_state',
    help: "1 for a node copy's current read state (caught-up, lagging, stale)",
    labelNames: ['node', 'state'],
    registers: [this.state],
  });
  readonly logLastSeq = new Gauge({
    name: 'miroir_log_last_seq',
    help: 'Last position of the write log',
    registers: [this.state],
  });
  readonly logBytes = new Gauge({
    name: 'miroir_log_bytes',
    help: 'Bytes the write log holds',
    registers: [this.state],
  });

  private writerGauge(name: string, help: string): Gauge<'node'> {
    return new Gauge({
      name: `miroir_writer_${name}`,
      help,
      labelNames: ['node'],
      registers: [this.state],
    });
  }

  /** Node writers' progress as gauges, refreshed on each scrape (they live in the store). */
  recordWriters(statuses: readonly WriterStatus[], now = Date.now()): void {
    for (const w of statuses) {
      const node = { node: w.nodeId };
      this.writerApplied.set(node, w.appliedSeq);
      this.writerLag.set(node, w.lagMessages);
      this.writerLagSeconds.set(
        node,
        w.oldestPendingAt === null ? 0 : (now - w.oldestPendingAt) / 1000,
      );
      this.writerRetries.set(node, w.retries);
      this.writerRefused.set(node, w.refusedParts);
      for (const state of ['caught-up', 'lagging', 'stale']) {
        this.copyState.set({ node: w.nodeId, state }, w.state === state ? 1 : 0);
      }
    }
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'miroir_gateway_' });
    // A cluster worker answers its primary's aggregation requests with this registry (building
    // an AggregatorRegistry is what installs prom-client's answering listener).
    if (cluster.isWorker) {
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.registry]);
    }
  }

  /** The scrape: per-process metrics (summed over a cluster's workers), then the shared state. */
  async scrape(): Promise<string> {
    const own = cluster.isWorker ? await askPrimaryForMetrics() : await this.registry.metrics();
    return `${own.trimEnd()}\n${await this.state.metrics()}`;
  }

  recordNodeRequest(m: RequestMetric): void {
    this.nodeRequests.observe(
      { node: m.nodeId, route: m.route, status: String(m.status) },
      m.durationMs / 1000,
    );
  }
}

/** Every worker's per-process metrics, aggregated by the primary (apps/gateway/cluster.ts). */
function askPrimaryForMetrics(): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off('message', onReply);
      reject(new Error('the cluster primary did not answer a metrics request'));
    }, 5000);
    const onReply = (message: unknown) => {
      const m = message as { type?: string; id?: string; text?: string; error?: string };
      if (m.type !== METRICS_REPLY || m.id !== id) return;
      clearTimeout(timer);
      process.off('message', onReply);
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.text ?? '');
    };
    process.on('message', onReply);
    process.send!({ type: METRICS_REQUEST, id });
  });
}
