import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { connectService, jsonLog, runService } from '#lib/service';
import { WriterPool } from './writer-pool.js';

let config: MiroirConfig;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`miroir node-writer: invalid configuration\n${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const logger = jsonLog('node-writer', config.logLevel);
await runService('node-writer', logger, async () => {
  const c = await connectService(config, 'node-writer', { log: true });
  const pool = new WriterPool({
    config,
    store: c.store,
    log: c.log!,
    nodes: c.nodes,
    bus: c.bus,
    logger,
    instance: c.instance,
  });
  await pool.start();
  return {
    instance: c.instance,
    async stop() {
      await pool.stop();
      await Promise.allSettled([c.log!.close(), c.bus.close(), c.nodes.close()]);
      await c.store.close();
    },
  };
});
