// Reuse-or-start Redis and NATS (JetStream) for tests and `npm start`.
// Reuses the servers answering on localhost's default ports; otherwise starts `redis-server` and
// `nats-server -js` on free ports, installing the Debian packages when missing and running as root.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const log = (msg) => process.stderr.write(`[services] ${msg}\n`);

/** Connects, optionally writes, and resolves with the first chunk the server sends (or null). */
function probe(port, host = '127.0.0.1', send = null, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on('error', () => done(null));
    socket.on('connect', () => send && socket.write(send));
    socket.once('data', (chunk) => done(chunk.toString()));
  });
}

const redisAnswers = async (port) =>
  (await probe(port, '127.0.0.1', 'PING\r\n'))?.startsWith('+PONG');
const natsAnswers = async (port) => {
  const info = await probe(port);
  return Boolean(info?.startsWith('INFO') && /"jetstream"\s*:\s*true/.test(info));
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function which(binary) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    try {
      execFileSync('test', ['-x', path.join(dir, binary)]);
      return path.join(dir, binary);
    } catch {
      /* not here */
    }
  }
  return null;
}

let aptUpdated = false;
export function ensureBinary(binary, debianPackage) {
  const found = which(binary);
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${binary} is not installed and this user cannot install it: apt-get install ${debianPackage}`,
    );
  }
  log(`installing ${debianPackage} from Debian packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  aptUpdated = true;
  execFileSync('apt-get', ['install', '-y', '-qq', debianPackage], { stdio: 'inherit', env });
  const installed = which(binary);
  if (!installed) throw new Error(`${debianPackage} installed but ${binary} not found on PATH`);
  return installed;
}

async function waitFor(check, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms`);
}

/**
 * Returns `{redisUrl, natsUrl, stop()}`. `stop()` stops only what this call started.
 */
/** `preset` URLs (a user's own Redis and NATS) are used as they are, never replaced. */
export async function ensureServices(preset = {}) {
  const started = [];
  const dirs = [];
  const stop = () => {
    for (const child of started) child.kill('SIGTERM');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    let redisUrl = preset.redisUrl || process.env.MIROIR_TEST_REDIS_URL;
    if (!redisUrl) {
      if (await redisAnswers(6379)) {
        redisUrl = 'redis://127.0.0.1:6379';
      } else {
        const bin = ensureBinary('redis-server', 'redis-server');
        const port = await freePort();
        log(`starting redis-server on ${port}`);
        started.push(
          spawn(
            bin,
            ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            {
              stdio: 'ignore',
            },
          ),
        );
        await waitFor(() => redisAnswers(port), 'redis-server');
        redisUrl = `redis://127.0.0.1:${port}`;
      }
    }
    let natsUrl = preset.natsUrl || process.env.MIROIR_TEST_NATS_URL;
    if (!natsUrl) {
      if (await natsAnswers(4222)) {
        natsUrl = 'nats://127.0.0.1:4222';
      } else {
        const bin = ensureBinary('nats-server', 'nats-server');
        const port = await freePort();
        const dir = mkdtempSync(path.join(os.tmpdir(), 'miroir-nats-'));
        dirs.push(dir);
        log(`starting nats-server -js on ${port}`);
        started.push(
          spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
            stdio: 'ignore',
          }),
        );
        await waitFor(() => natsAnswers(port), 'nats-server');
        natsUrl = `nats://127.0.0.1:${port}`;
      }
    }
    return { redisUrl, natsUrl, stop };
  } catch (err) {
    stop();
    throw err;
  }
}
