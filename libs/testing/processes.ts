import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file sits in libs/testing, or in dist/libs/testing when built). */
export const REPO_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
})();

/** The built entry of an app; fails with the command to run when it was not built. */
export function builtApp(app: string): string {
  const main = path.join(REPO_ROOT, 'dist', 'apps', app, 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: run \`npm run build\` (npm test builds first).`);
  }
  return main;
}

export interface RunningProcess {
  child: ChildProcess;
  /** The process's `{"event":"listening",…}` line, parsed. */
  listening: { url: string; port?: number } & Record<string, unknown>;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node <main> …args` and resolves once it prints its JSON `listening` line; fails with the
 * process's output if it exits or stays silent.
 */
export function startProcess(
  main: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<RunningProcess> {
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const output = () => log;
  let stopping = false;
  // A service that dies on its own mid-test says why (its last output), or a test only sees resets.
  child.once('exit', (code, signal) => {
    if (stopping || signal === 'SIGKILL') return;
    process.stderr.write(
      `[${path.basename(path.dirname(main))}] exited (${signal ?? code}) unexpectedly:\n${log.slice(-4000)}\n`,
    );
  });
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(
        new Error(`${path.basename(path.dirname(main))} did not start in ${timeoutMs} ms:\n${log}`),
      );
    }, timeoutMs);
    let pending = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.length > 200_000) log = log.slice(-100_000);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        try {
          const event = JSON.parse(line) as RunningProcess['listening'] & { event?: string };
          if (event.event === 'listening') {
            clearTimeout(timer);
            resolve({ child, listening: event, output, stop });
          }
        } catch {
          /* not JSON */
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${main} exited (${signal ?? code}) before listening:\n${log}`));
    });
  });
}
