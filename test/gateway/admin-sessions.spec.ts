/**
 * Issue 11's admin sessions for browser use of the admin API, through two gateways: a login with
 * the admin key gives an HttpOnly SameSite=Strict cookie and a CSRF token; a cookie change without
 * the token is refused with 403; a logout on one gateway ends the session on both.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;
const url = (i: number, p: string) => `${g.stack.gateways[i]!.listening.url}${p}`;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8, gateways: 2 });
  await g.waitWrite(await g.client.createIndex('things', { primaryKey: 'id' }));
}, 60_000);
afterAll(() => g?.stop());

const login = (i: number, adminKey: string) =>
  fetch(url(i, '/_miroir/admin/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ admin_key: adminKey }),
  });

describe('admin sessions', () => {
  it('log in, use the cookie on either gateway, changes need the CSRF token, log out everywhere', async () => {
    const wrong = await login(0, 'not-the-admin-key-at-all');
    // Meilisearch's answer to a wrong key: 403 invalid_api_key (https://www.meilisearch.com/docs/reference/errors/error_codes#invalid_api_key).
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: 'invalid_api_key' });

    const res = await login(0, g.stack.adminApiKey);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(
      /^miroir_admin=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/,
    );
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = setCookie.split(';')[0]!;

    const read = await fetch(url(1, '/_miroir/topology'), { headers: { cookie } });
    expect(read.status).toBe(200);

    const body = JSON.stringify({ name: 'stuff', target: 'things' });
    const json = { 'content-type': 'application/json', cookie };
    const noToken = await fetch(url(1, '/_miroir/aliases'), {
      method: 'POST',
      headers: json,
      body,
    });
    expect(noToken.status).toBe(403);
    const forged = await fetch(url(1, '/_miroir/aliases'), {
      method: 'POST',
      headers: { ...json, 'x-csrf-token': 'f'.repeat(48) },
      body,
    });
    expect(forged.status).toBe(403);
    const ok = await fetch(url(1, '/_miroir/aliases'), {
      method: 'POST',
      headers: { ...json, 'x-csrf-token': csrfToken },
      body,
    });
    expect(ok.status).toBe(201);
    // A session is for the admin API and what the console reads (indexes, stats, settings, tasks);
    // documents, searches, keys and every client change still need a key.
    expect((await fetch(url(0, '/indexes'), { headers: { cookie } })).status).toBe(200);
    expect((await fetch(url(0, '/tasks'), { headers: { cookie } })).status).toBe(200);
    for (const path of ['/keys', '/indexes/x/documents', '/indexes/x/search']) {
      expect((await fetch(url(0, path), { headers: { cookie } })).status).toBe(401);
    }
    const create = await fetch(url(0, '/indexes'), {
      method: 'POST',
      headers: { ...json, cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ uid: 'by-cookie' }),
    });
    expect(create.status).toBe(401);

    const out = await fetch(url(0, '/_miroir/admin/logout'), {
      method: 'POST',
      headers: { cookie },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^miroir_admin=; .*Max-Age=0/);
    for (const i of [0, 1]) {
      expect((await fetch(url(i, '/_miroir/topology'), { headers: { cookie } })).status).toBe(403);
    }
  });

  it('throttles login attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(1, `wrong-${i}`)).status);
    expect(statuses.slice(0, 9).every((s) => s === 403)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
