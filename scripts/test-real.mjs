#!/usr/bin/env node
// `npm run test:real`: the emulator's fidelity suite against a real Meilisearch, so what the
// emulator claims is checked against the engine itself. The node comes from, in order:
// - MEILI_URL (and MEILI_MASTER_KEY): a node you run;
// - MEILI_BIN: a meilisearch binary started here on a free port with a fresh database;
// - a Docker engine: `getmeili/meilisearch:v1.30` started here (MEILI_IMAGE to change it).
// With none of them it says why and runs nothing (exit 0): a machine without Docker cannot do it.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const IMAGE = process.env.MEILI_IMAGE ?? 'getmeili/meilisearch:v1.30';
// A node started here gets a fresh key; one you run is asked with yours (the harness's default else).
const ownKey = randomBytes(24).toString('hex');
const log = (line) => process.stderr.write(`[test:real] ${line}\n`);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitHealthy(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become healthy`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function dockerWorks() {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Starts the node the environment offers; null (with the reason said) when it offers none. */
async function startNode() {
  if (process.env.MEILI_URL) {
    const key = process.env.MEILI_MASTER_KEY ?? 'masterKey';
    return {
      url: process.env.MEILI_URL,
      key,
      what: `MEILI_URL ${process.env.MEILI_URL}`,
      stop() {},
    };
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  if (process.env.MEILI_BIN) {
    const db = mkdtempSync(path.join(tmpdir(), 'miroir-real-'));
    const child = spawn(
      process.env.MEILI_BIN,
      ['--http-addr', `127.0.0.1:${port}`, '--db-path', path.join(db, 'data.ms'), '--no-analytics'],
      // The key by environment, never on the command line (visible in `ps`).
      { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, MEILI_MASTER_KEY: ownKey } },
    );
    await waitHealthy(url);
    return {
      url,
      key: ownKey,
      what: `${process.env.MEILI_BIN} on ${url}`,
      async stop() {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        rmSync(db, { recursive: true, force: true });
      },
    };
  }
  if (dockerWorks()) {
    const id = execFileSync(
      'docker',
      [
        'run',
        '-d',
        '--rm',
        '-p',
        `127.0.0.1:${port}:7700`,
        '-e',
        'MEILI_MASTER_KEY',
        '-e',
        'MEILI_NO_ANALYTICS=true',
        IMAGE,
      ],
      { env: { ...process.env, MEILI_MASTER_KEY: ownKey }, encoding: 'utf8' },
    ).trim();
    await waitHealthy(url, 120_000);
    return {
      url,
      key: ownKey,
      what: `${IMAGE} (container ${id.slice(0, 12)}) on ${url}`,
      stop() {
        execFileSync('docker', ['stop', id], { stdio: 'ignore' });
      },
    };
  }
  return null;
}

const node = await startNode();
if (!node) {
  log(
    'skipped: no real Meilisearch here — set MEILI_URL (a node you run), MEILI_BIN (a meilisearch binary) or install a Docker engine',
  );
  process.exit(0);
}
log(`fidelity suite against ${node.what}`);
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const child = spawn(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings',
    jestBin,
    'apps/meili-emulator/fidelity',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, MEILI_URL: node.url, MEILI_MASTER_KEY: node.key },
  },
);
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
await node.stop();
process.exit(code);
