/** The built binary as a process: flags, the listening line, a round trip, clean SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from '@jest/globals';
import { cliOptions, parseHttpAddr } from './cli-options.js';

const MAIN = resolve('dist/apps/meili-emulator/main.js');
const children: ChildProcess[] = [];

afterEach(() =>
  children.splice(0).forEach((child) => child.exitCode === null && child.kill('SIGKILL')),
);

/** Starts main.js and resolves with the parsed listening line. */
function launch(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{
  child: ChildProcess;
  line: { event: string; url: string; port: number; name: string };
}> {
  if (!existsSync(MAIN))
    throw new Error(
      `${MAIN} is missing: build first (npm run build, or npx tsc -p tsconfig.build.json)`,
    );
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolvePromise, reject) => {
    createInterface({ input: child.stdout! }).once('line', (text) =>
      resolvePromise({ child, line: JSON.parse(text) }),
    );
    child.once('exit', (code) => reject(new Error(`main.js exited with ${code}: ${stderr}`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}

describe('main.js process', () => {
  it('listens on a free port, prints the listening line, serves the API with the master key, stops on SIGTERM', async () => {
    const { child, line } = await launch([
      '--http-addr',
      '127.0.0.1:0',
      '--master-key',
      'k',
      '--emulator-name',
      'proc',
    ]);
    expect(line).toEqual({
      event: 'listening',
      url: `http://127.0.0.1:${line.port}`,
      port: expect.any(Number),
      name: 'proc',
    });
    expect(line.port).toBeGreaterThan(0);
    expect((await fetch(`${line.url}/health`)).status).toBe(200);
    expect((await fetch(`${line.url}/indexes`)).status).toBe(401);
    const created = await fetch(`${line.url}/indexes`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"uid":"proc"}',
    });
    expect(created.status).toBe(202);
    const bad = await fetch(`${line.url}/indexes`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"uid":',
    });
    expect(((await bad.json()) as { code: string }).code).toBe('malformed_payload');
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
  });

  it('reads MEILI_* variables and keeps data in MEILI_DB_PATH across restarts', async () => {
    const db = mkdtempSync(join(tmpdir(), 'meili-emulator-main-'));
    try {
      const env = {
        MEILI_HTTP_ADDR: '127.0.0.1:0',
        MEILI_MASTER_KEY: 'env-key',
        MEILI_DB_PATH: db,
      };
      const first = await launch([], env);
      const headers = { authorization: 'Bearer env-key', 'content-type': 'application/json' };
      const task = (await (
        await fetch(`${first.line.url}/indexes/kept/documents`, {
          method: 'POST',
          headers,
          body: '[{"id":1}]',
        })
      ).json()) as { taskUid: number };
      for (let i = 0; i < 200; i++) {
        const state = (await (
          await fetch(`${first.line.url}/tasks/${task.taskUid}`, { headers })
        ).json()) as { status: string };
        if (state.status === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 10));
      }
      first.child.kill('SIGINT');
      expect(await exitCode(first.child)).toBe(0);
      const second = await launch([], env);
      expect(
        await (await fetch(`${second.line.url}/indexes/kept/documents/1`, { headers })).json(),
      ).toEqual({ id: 1 });
      second.child.kill('SIGTERM');
      await exitCode(second.child);
    } finally {
      rmSync(db, { recursive: true, force: true });
    }
  });

  it('refuses bad flags with the flag name', async () => {
    await expect(launch(['--http-addr', 'nonsense'])).rejects.toThrow(/http-addr/);
    await expect(launch(['--emulator-task-delay-ms', 'soon'])).rejects.toThrow(
      /emulator-task-delay-ms/,
    );
  });
});

describe('cliOptions', () => {
  it('maps flags and variables (flags win) to emulator options', () => {
    expect(parseHttpAddr('[::1]:7700')).toEqual({ host: '::1', port: 7700 });
    expect(
      cliOptions(
        ['--master-key', 'a', '--emulator-task-delay-ms', '5', '--emulator-admin-port', '0'],
        { MEILI_MASTER_KEY: 'b', MEILI_HTTP_ADDR: '0.0.0.0:1234' },
      ),
    ).toEqual({
      host: '0.0.0.0',
      port: 1234,
      masterKey: 'a',
      taskDelayMs: 5,
      adminPort: 0,
    });
    expect(cliOptions([], {})).toEqual({ host: '127.0.0.1', port: 7700 });
    expect(() => cliOptions(['--unknown-flag'], {})).toThrow();
  });
});
