/**
 * The house rules hold on every commit, not only when someone runs `npm run lint`: ESLint (with
 * the walls of eslint.config.mjs: Redis, BullMQ, NATS and undici only inside the library that owns
 * each, no product code importing the emulator, no subject or queue name spelled outside
 * libs/contracts; each wall refuses one violating fixture below) finds nothing, and Prettier finds
 * every file formatted.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('house rules', () => {
  it('ESLint finds nothing', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['.']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(root.length)}:${m.line} ${m.ruleId}: ${m.message}`),
    );
    expect(problems).toEqual([]);
  }, 120_000);

  it('the walls hold: a gateway file importing Redis or the emulator is refused', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(
      "import { Redis } from 'ioredis';\nimport { startEmulator } from '../meili-emulator/index.js';\nexport const x = [Redis, startEmulator];\n",
      { filePath: `${root}apps/gateway/wall-check.ts` },
    );
    expect(result!.messages.map((m) => m.message)).toEqual([
      expect.stringContaining('only libs/store talks to ioredis'),
      expect.stringContaining('product code never depends on the emulator'),
    ]);
  });

  it.each([
    [
      "import { Queue } from 'bullmq';\nexport const q = Queue;\n",
      'only libs/jobs talks to bullmq',
    ],
    [
      "import { connect } from '@nats-io/transport-node';\nexport const c = connect;\n",
      'only libs/bus talks to @nats-io/*',
    ],
    [
      "import { Pool } from 'undici';\nexport const p = Pool;\n",
      'only libs/node-client talks to undici',
    ],
    [
      "export const subject = 'miroir.tasks.1.succeeded';\n",
      'a subject is built with libs/contracts `subjects`, never spelled',
    ],
    [
      'export const subject = (i: string) => `miroir.aliases.${i}.flipped`;\n',
      'a subject is built with libs/contracts `subjects`, never spelled',
    ],
    [
      "export const queue = 'miroir-migrations';\n",
      'a queue is named by libs/contracts `QUEUES`, never spelled',
    ],
  ])('the walls hold: %j is refused in product code', async (code, message) => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(code, {
      filePath: `${root}apps/rebalancer/wall-check.ts`,
    });
    expect(result!.messages.map((m) => m.message)).toEqual([expect.stringContaining(message)]);
  });

  it('a span attribute named miroir.* is not a subject', async () => {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText("export const a = { 'miroir.task.uid': 1 };\n", {
      filePath: `${root}apps/rebalancer/wall-check.ts`,
    });
    expect(result!.messages).toEqual([]);
  });

  it('Prettier finds every file formatted', async () => {
    const prettier = `${root}node_modules/.bin/prettier`;
    const run = await promisify(execFile)(prettier, ['--check', '.'], { cwd: root }).then(
      () => ({ ok: true, out: '' }),
      (err: { stdout?: string; stderr?: string }) => ({
        ok: false,
        out: `${err.stdout ?? ''}${err.stderr ?? ''}`,
      }),
    );
    expect(run).toEqual({ ok: true, out: '' });
  }, 120_000);
});
