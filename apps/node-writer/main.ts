import { ConfigError, loadConfig, type MiroirConfig } from '#lib/config';
import { Registry } from 'prom-client';
import { connectionProblems, connectService, jsonLog, runService } from '#lib/service';
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
await runService('node-writer', logger, config.ops, async () => {
  const c = await connectService(config, 'node-writer', { log: true, logger });
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
  const registry = new Registry();
  pool.metrics(registry);
  return {
    instance: c.instance,
    ops: {
      registry,
      notReady: async () => [
        ...(await connectionProblems(c.store, c.bus)),
        ...(c.log!.isConnected() ? [] : ['the write log is not connected']),
      ],
    },
    async stop() {
      await pool.stop();
      await c.nodeKey?.stop();
      await Promise.allSettled([c.log!.close(), c.bus.close(), c.nodes.close()]);
      await c.store.close();
    },
  };
});
