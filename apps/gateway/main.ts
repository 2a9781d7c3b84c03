import { ConfigError, loadConfig } from '#lib/config';
import { startTracing } from '#lib/telemetry';
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
const stopTracing = startTracing('miroir-gateway');
process.once('SIGTERM', () => void stopTracing());
const app = await createGateway(config);
await app.listen(config.http.port, config.http.host);
const url = await app.getUrl();
process.stdout.write(`${JSON.stringify({ event: 'listening', service: 'gateway', url })}\n`);
