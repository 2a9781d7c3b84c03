import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { jsonLog, runService } from '#lib/service';
import { KeyRotator } from './key-rotator.js';

let config: MiroirConfig;
try {
  config = loadConfig();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const what = err instanceof ConfigError ? 'invalid configuration\n' : '';
  process.stderr.write(`miroir key-rotator: ${what}${message}\n`);
  process.exit(2);
}

const log = jsonLog('key-rotator', config.logLevel);
await runService('key-rotator', log, config.ops, () => KeyRotator.start(config, log));
