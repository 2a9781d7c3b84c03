import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { jsonLog } from './log.js';
import { Reconciler } from './reconciler.js';

let config: MiroirConfig;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`miroir task-reconciler: invalid configuration\n${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const log = jsonLog('task-reconciler', config.logLevel);
const reconciler = await Reconciler.start(config, log);
// No HTTP server: `url` is "none" (the process tests wait for this line).
process.stdout.write(
  `${JSON.stringify({ event: 'listening', service: 'task-reconciler', url: 'none', instance: reconciler.instance })}\n`,
);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log('info', 'shutdown', { signal });
  reconciler.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log('error', 'shutdown-failed', { error: String(err) });
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
