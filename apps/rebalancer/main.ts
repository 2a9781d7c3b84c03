import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { jsonLog } from './log.js';
import { parseTimings, type RebalancerTimings } from './options.js';
import { Rebalancer } from './rebalancer.js';

let config: MiroirConfig;
let timings: RebalancerTimings;
try {
  config = loadConfig();
  timings = parseTimings(process.argv.slice(2));
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ConfigError) {
    process.stderr.write(`miroir rebalancer: invalid configuration\n${message}\n`);
    process.exit(2);
  }
  process.stderr.write(`miroir rebalancer: ${message}\n`);
  process.exit(2);
}

const log = jsonLog('rebalancer', config.logLevel);
const rebalancer = await Rebalancer.start(config, timings, log);
// No HTTP server: `url` is "none" (the process tests wait for this line).
process.stdout.write(
  `${JSON.stringify({ event: 'listening', service: 'rebalancer', url: 'none', instance: rebalancer.instance })}\n`,
);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log('info', 'shutdown', { signal });
  rebalancer.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      log('error', 'shutdown-failed', { error: String(err) });
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
