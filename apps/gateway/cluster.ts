import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Log } from '#lib/service';
import { METRICS_REPLY, METRICS_REQUEST, WORKER_LISTENING } from './cluster-messages.js';

const STOP_GRACE_MS = 30_000;

/**
 * The gateway's cluster primary (`MIROIR_GATEWAY_WORKERS` > 1): forks the workers, which share
 * the client port (node:cluster hands connections round-robin), prints one `listening` line once
 * all of them listen, replaces a worker that dies, aggregates their per-process metrics for
 * whichever worker answers a scrape, and on SIGTERM/SIGINT stops them all before it exits.
 * Workers hold no state of their own beyond caches every gateway process already keeps in sync.
 */
export function runClusterPrimary(workers: number, log: Log): void {
  const aggregator = new AggregatorRegistry();
  const listening = new Set<number>();
  let announced = false;
  let stopping = false;

  const fork = () => cluster.fork();
  for (let i = 0; i < workers; i++) fork();

  cluster.on('message', (worker: Worker, message: unknown) => {
    const m = message as { type?: string; id?: string; url?: string };
    if (m.type === WORKER_LISTENING) {
      listening.add(worker.id);
      if (!announced && listening.size >= workers) {
        announced = true;
        process.stdout.write(
          `${JSON.stringify({ event: 'listening', service: 'gateway', url: m.url, workers })}\n`,
        );
      }
    } else if (m.type === METRICS_REQUEST) {
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: METRICS_REPLY, id: m.id, text }),
        (err: unknown) => worker.send({ type: METRICS_REPLY, id: m.id, error: String(err) }),
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log('error', 'gateway-worker-exited', { pid: worker.process.pid, code, signal });
    fork();
  });

  const stop = () => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (alive.length === 0) process.exit(0);
    for (const w of alive) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
