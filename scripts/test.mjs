#!/usr/bin/env node
// `npm test`: make sure Redis and NATS (JetStream) answer, then run every Jest suite in ESM mode.
// Arguments are passed to Jest (e.g. `npm test -- libs/routing`).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureBinary, ensureServices } from './services.mjs';

const args = process.argv.slice(2);
let services;
try {
  services = await ensureServices();
} catch (err) {
  process.stderr.write(`npm test needs Redis and NATS with JetStream: ${err.message}\n`);
  process.exit(1);
}
process.stderr.write(`[test] redis ${services.redisUrl}, nats ${services.natsUrl}\n`);
// Browser tests drive Debian's Chromium (playwright-core never downloads a browser).
let chromium;
try {
  chromium = ensureBinary('chromium', 'chromium');
} catch (err) {
  process.stderr.write(`npm test needs Chromium for the browser tests: ${err.message}\n`);
  services.stop();
  process.exit(1);
}

const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const child = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings', jestBin, ...args],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      MIROIR_TEST_REDIS_URL: services.redisUrl,
      MIROIR_TEST_NATS_URL: services.natsUrl,
      MIROIR_TEST_CHROMIUM: chromium,
    },
  },
);
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  services.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
