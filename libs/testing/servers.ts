import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A Redis or NATS server of a test's own, for drills that restart or kill it (the shared ones
 * other suites use must stay up). Its data directory survives restarts: Redis appends every write
 * to its AOF, NATS keeps JetStream on file storage, as production must.
 */
export interface PrivateServer {
  url: string;
  port: number;
  /** Kills the process (SIGKILL: no goodbye, as a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function binary(name: string): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin']) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed (apt-get install ${name}): this drill needs its own server`,
  );
}

async function listening(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}

async function privateServer(
  name: string,
  args: (port: number, dir: string) => string[],
  url: (port: number) => string,
): Promise<PrivateServer> {
  const exe = binary(name);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), `miroir-${name}-`));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(exe, args(port, dir), { stdio: 'ignore' });
    await listening(port);
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  await start();
  return {
    url: url(port),
    port,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis that appends every write to its AOF (fsync always), as the README says production must. */
export function startPrivateRedis(): Promise<PrivateServer> {
  return privateServer(
    'redis-server',
    (port, dir) => [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
    ],
    (port) => `redis://127.0.0.1:${port}`,
  );
}

/** A NATS server with JetStream on file storage. */
export function startPrivateNats(): Promise<PrivateServer> {
  return privateServer(
    'nats-server',
    (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    (port) => `nats://127.0.0.1:${port}`,
  );
}
