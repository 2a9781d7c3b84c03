import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { RequestMetric } from '#lib/node-client';

/** Prometheus metrics of one gateway process. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
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
  readonly degradedWrites = new Counter({
    name: 'miroir_degraded_writes_total',
    help: 'Writes acknowledged with copies handed to hinted handoff',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'miroir_gateway_' });
  }

  recordNodeRequest(m: RequestMetric): void {
    this.nodeRequests.observe(
      { node: m.nodeId, route: m.route, status: String(m.status) },
      m.durationMs / 1000,
    );
  }
}
