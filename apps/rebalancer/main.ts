import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { jsonLog, runService } from '#lib/service';
import { Rebalancer } from './rebalancer.js';

let config: MiroirConfig;
try {
  config = loadConfig();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const what = err instanceof ConfigError ? 'invalid configuration\n' : '';
  process.stderr.write(`miroir rebalancer: ${what}${message}\n`);
  process.exit(2);
}

const log = jsonLog('rebalancer', config.logLevel);
await runService('rebalancer', log, config.ops, () => Rebalancer.start(config, log));
