#!/usr/bin/env node
// `npm start`: the whole stack on this machine. Reuses (or starts) Redis and NATS, starts three
// Meilisearch nodes (a `meilisearch` binary from MEILI_BIN or PATH, otherwise the emulator, with the
// same flags), then the gateway on :7700 and the background services. Prints the URL and keys;
// Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices, which } from './services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.miroir');
const say = (msg) => process.stdout.write(`[miroir] ${msg}\n`);

const masterKey = process.env.MIROIR_MASTER_KEY || randomBytes(16).toString('hex');
const adminKey = process.env.MIROIR_ADMIN_API_KEY || randomBytes(16).toString('hex');
const nodeKey = process.env.MIROIR_NODE_KEY || randomBytes(16).toString('hex');
const gatewayAddr = process.env.MIROIR_HTTP_ADDR || '0.0.0.0:7700';
const nodePorts = [7701, 7702, 7703];

const children = [];
let stopping = false;
let services;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children.reverse()) child.kill('SIGTERM');
  services?.stop();
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function run(name, command, args, env = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `${name.padEnd(16)}| ${line}\n`)
      .join('');
  child.stdout.on('data', (c) => process.stdout.write(prefix(c)));
  child.stderr.on('data', (c) => process.stderr.write(prefix(c)));
  child.on('exit', (code, signal) => {
    if (stopping) return;
    say(`${name} exited (${signal ?? code}); stopping everything`);
    stopAll(1);
  });
  children.push(child);
  return child;
}

async function waitHealthy(url, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer ${url}/health within ${timeoutMs} ms`);
}

try {
  // The user's own Redis and NATS when MIROIR_REDIS_URL / MIROIR_NATS_URL say so.
  services = await ensureServices({
    redisUrl: process.env.MIROIR_REDIS_URL,
    natsUrl: process.env.MIROIR_NATS_URL,
  });
  say(
    `redis ${services.redisUrl}${process.env.MIROIR_REDIS_URL ? ' (yours)' : ''}, nats ${services.natsUrl}${process.env.MIROIR_NATS_URL ? ' (yours)' : ''}`,
  );

  const meiliBin = process.env.MEILI_BIN || which('meilisearch');
  const nodeCommand = meiliBin
    ? [meiliBin, []]
    : [process.execPath, [path.join(root, 'dist/apps/meili-emulator/main.js')]];
  say(
    meiliBin ? `nodes: ${meiliBin}` : 'nodes: Meilisearch emulator (no meilisearch binary found)',
  );

  const nodes = nodePorts.map((port, i) => ({
    id: `meili-${i}`,
    url: `http://127.0.0.1:${port}`,
    group: '0',
  }));
  for (const [i, node] of nodes.entries()) {
    const dbPath = path.join(dataDir, node.id);
    mkdirSync(dbPath, { recursive: true });
    // The key goes by environment, never on the command line (where `ps` shows it).
    run(
      node.id,
      nodeCommand[0],
      [...nodeCommand[1], '--http-addr', `127.0.0.1:${nodePorts[i]}`, '--db-path', dbPath],
      { MEILI_MASTER_KEY: nodeKey },
    );
  }
  await Promise.all(nodes.map((n) => waitHealthy(n.url, n.id)));

  const env = {
    MIROIR_HTTP_ADDR: gatewayAddr,
    MIROIR_MASTER_KEY: masterKey,
    MIROIR_ADMIN_API_KEY: adminKey,
    MIROIR_NODE_KEY: nodeKey,
    MIROIR_REDIS_URL: services.redisUrl,
    MIROIR_NATS_URL: services.natsUrl,
    MIROIR_NODES: JSON.stringify(nodes),
    MIROIR_REPLICATION_FACTOR: process.env.MIROIR_REPLICATION_FACTOR || '2',
  };
  for (const app of ['node-writer', 'task-reconciler', 'rebalancer', 'key-rotator']) {
    const main = path.join(root, `dist/apps/${app}/main.js`);
    if (existsSync(main)) run(app, process.execPath, [main], env);
  }
  run('gateway', process.execPath, [path.join(root, 'dist/apps/gateway/main.js')], env);
  const port = gatewayAddr.split(':').pop();
  const url = `http://localhost:${port}`;
  await waitHealthy(url, 'gateway');

  say('');
  say(`Miroir is up: ${url}`);
  say(
    `  master key:    ${masterKey}${process.env.MIROIR_MASTER_KEY ? '' : '  (generated; set MIROIR_MASTER_KEY to choose)'}`,
  );
  say(
    `  admin API key: ${adminKey}${process.env.MIROIR_ADMIN_API_KEY ? '' : '  (generated; set MIROIR_ADMIN_API_KEY to choose)'}`,
  );
  say(`  nodes:         ${nodes.map((n) => n.url).join(', ')}`);
  say(`  try:           curl ${url}/health`);
  say('Ctrl-C stops everything started here.');
} catch (err) {
  say(`could not start: ${err.message}`);
  stopAll(1);
}
