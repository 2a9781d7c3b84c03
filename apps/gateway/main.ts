import cluster from 'node:cluster';
import { ConfigError, loadConfig } from '#lib/config';
import { jsonLog } from '#lib/service';
import { startTracing } from '#lib/telemetry';
import { WORKER_LISTENING } from './cluster-messages.js';
import { runClusterPrimary } from './cluster.js';
import { createGateway } from './gateway.js';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`miroir gateway: invalid configuration\n${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
if (cluster.isPrimary && config.gatewayWorkers > 1) {
  runClusterPrimary(config.gatewayWorkers, jsonLog('gateway', config.logLevel));
} else {
  const stopTracing = startTracing('miroir-gateway');
  process.once('SIGTERM', () => void stopTracing());
  const app = await createGateway(config);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  if (cluster.isWorker) process.send!({ type: WORKER_LISTENING, url });
  else process.stdout.write(`${JSON.stringify({ event: 'listening', service: 'gateway', url })}\n`);
}
