import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { jsonLog, runService } from '#lib/service';
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
await runService('rebalancer', log, config.ops, () => Rebalancer.start(config, timings, log));
