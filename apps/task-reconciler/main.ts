import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { jsonLog, runService } from '#lib/service';
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
await runService('task-reconciler', log, config.ops, () => Reconciler.start(config, log));
