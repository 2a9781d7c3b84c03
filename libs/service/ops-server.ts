import Fastify from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { EventBus } from '#lib/bus';
import type { Store } from '#lib/store';
import type { Log } from './log.js';

/** What a background service shows its operators (probes and Prometheus). */
export interface ServiceOps {
  /** Its metrics; the process's own (CPU, memory, event loop) are added. */
  registry: Registry;
  /** Why it cannot do its work now; empty when ready. */
  notReady(): Promise<string[]>;
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/health` (the process answers: liveness), `/ready` (it can work: readiness, 503 with reasons
 * otherwise) and `/metrics` (Prometheus text) of a background service, on `host:port` (port 0:
 * any free one; the `listening` line says which).
 */
export async function startOpsServer(
  addr: { host: string; port: number },
  service: string,
  ops: ServiceOps,
  log: Log,
): Promise<OpsServer> {
  collectDefaultMetrics({ register: ops.registry });
  ops.registry.setDefaultLabels({ service });
  const app = Fastify({ logger: false });
  app.get('/health', async () => ({ status: 'available' }));
  app.get('/ready', async (_req, reply) => {
    const reasons = await ops.notReady().catch((err: unknown) => [String(err)]);
    if (reasons.length) return reply.code(503).send({ status: 'not ready', reasons });
    return { status: 'ready' };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', ops.registry.contentType);
    return ops.registry.metrics();
  });
  const url = await app.listen({ host: addr.host, port: addr.port });
  log('info', 'ops-listening', { url });
  return { url, close: () => app.close() };
}

/** How long a readiness probe waits for Redis and NATS (a probe must answer, not hang). */
const STORE_PROBE_MS = 1000;

/** Reasons a service that works through the store and the bus cannot work now. */
export async function connectionProblems(store: Store, bus: EventBus): Promise<string[]> {
  const reasons: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${STORE_PROBE_MS} ms`)),
      STORE_PROBE_MS,
    );
  });
  try {
    await Promise.race([store.topology.epoch(), late]);
  } catch (err) {
    reasons.push(`the store (Redis) does not answer: ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
  if (!(await bus.answers(STORE_PROBE_MS))) {
    reasons.push(`NATS does not answer within ${STORE_PROBE_MS} ms`);
  }
  return reasons;
}

/** `miroir_leader{role}`: 1 while this process holds the role's lease. */
export function leaderGauge(registry: Registry, role: string, leading: () => boolean): Gauge {
  return new Gauge({
    name: 'miroir_leader',
    help: 'Whether this process holds the lease of its role (1) or stands by (0)',
    labelNames: ['role'],
    registers: [registry],
    collect() {
      this.set({ role }, leading() ? 1 : 0);
    },
  });
}
