import type { Log } from './log.js';

export interface RunningService {
  /** This process's name in logs and events. */
  instance: string;
  stop(): Promise<void>;
}

/**
 * The lifecycle of a background service process (no HTTP server): start it, print the
 * `{"event":"listening",…}` line that launchers and process tests wait for (`url` is "none"),
 * and stop it cleanly on SIGTERM or SIGINT.
 */
export async function runService(
  service: string,
  log: Log,
  start: () => Promise<RunningService>,
): Promise<void> {
  const running = await start();
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', service, url: 'none', instance: running.instance })}\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutdown', { signal });
    running.stop().then(
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
