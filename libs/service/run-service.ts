import { startTracing } from '#lib/telemetry';
import type { Log } from './log.js';
import { startOpsServer, type ServiceOps } from './ops-server.js';

export interface RunningService {
  /** This process's name in logs and events. */
  instance: string;
  /** Its probes and metrics. */
  ops: ServiceOps;
  stop(): Promise<void>;
}

/**
 * The lifecycle of a background service process: start it, serve its probes and metrics on
 * `opsAddr`, print the `{"event":"listening",…}` line that launchers and process tests wait for
 * (`url`: the ops server), and stop it cleanly on SIGTERM or SIGINT.
 */
export async function runService(
  service: string,
  log: Log,
  opsAddr: { host: string; port: number },
  start: () => Promise<RunningService>,
): Promise<void> {
  const stopTracing = startTracing(`miroir-${service}`);
  const running = await start();
  const ops = await startOpsServer(opsAddr, service, running.ops, log);
  process.stdout.write(
    `${JSON.stringify({
      event: 'listening',
      service,
      url: ops.url,
      port: Number(new URL(ops.url).port),
      instance: running.instance,
    })}\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutdown', { signal });
    running
      .stop()
      .then(() => ops.close())
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log('error', 'shutdown-failed', { error: String(err) });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
