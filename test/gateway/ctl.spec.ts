/** `miroir-ctl aliases …` against a running gateway (the built CLI, as an operator runs it). */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REPO_ROOT } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

const run = promisify(execFile);
const CTL = path.join(REPO_ROOT, 'dist', 'apps', 'ctl', 'main.js');
let g: GatewayStack;

const ctl = (...args: string[]) =>
  run(process.execPath, [CTL, ...args], {
    env: {
      ...process.env,
      MIROIR_URL: g.stack.gatewayUrl,
      MIROIR_ADMIN_API_KEY: g.stack.adminApiKey,
      MIROIR_CREDENTIALS: '/nonexistent',
    },
  });

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 2, replicationFactor: 1, shards: 4 });
  for (const uid of ['books_v1', 'books_v2']) {
    await g.waitWrite(await g.client.createIndex(uid, { primaryKey: 'id' }));
  }
}, 60_000);
afterAll(() => g?.stop());

describe('miroir-ctl aliases', () => {
  it('creates, lists, flips, shows and deletes an alias', async () => {
    expect((await ctl('aliases', 'create', 'books', 'books_v1')).stdout).toBe(
      'created books → books_v1 (single, version 0)\n',
    );
    const listed = JSON.parse((await ctl('--json', 'aliases', 'list')).stdout) as {
      results: { name: string; targets: string[] }[];
    };
    expect(listed.results).toEqual([
      expect.objectContaining({ name: 'books', targets: ['books_v1'] }),
    ]);
    expect((await ctl('aliases', 'flip', 'books', 'books_v2')).stdout).toBe(
      'flipped books → books_v2 (single, version 1)\n',
    );
    expect((await ctl('aliases', 'get', 'books')).stdout).toMatch(
      /^books → books_v2 \(single, version 1\)\n {2}v1 \S+ admin: books_v2\n$/,
    );
    expect((await ctl('aliases', 'delete', 'books')).stdout).toBe('deleted books\n');
    await expect(ctl('aliases', 'get', 'books')).rejects.toMatchObject({
      code: 1,
      stderr: 'miroir-ctl: Alias `books` not found. (miroir_alias_not_found)\n',
    });
  });

  it('says what is wrong without the admin key', async () => {
    await expect(
      run(process.execPath, [CTL, 'aliases', 'list'], {
        env: { ...process.env, MIROIR_URL: g.stack.gatewayUrl, MIROIR_CREDENTIALS: '/nonexistent' },
      }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('missing_authorization_header'),
    });
  });
});
