/**
 * Issue 11's hosted search page, in headless Chromium (Debian's, driven by playwright-core), with
 * the official client for setup: the page loads, a typed query shows highlighted hits, a facet
 * filters, the next page works, and a key rotation during use fails no request. Its browser
 * tokens allow searches of one index only (api.md): a bad signature or an expired token → 401
 * `miroir_jwt_invalid`, any other index or route → 403 `miroir_jwt_scope_denied`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';

const SECRET = 'search-ui-secret-0123456789-abcdefghij';
const GENRES = ['sf', 'drama', 'comedy'];
const FILMS = Array.from({ length: 36 }, (_, i) => ({
  id: i,
  title: i % 4 === 0 ? `Dune part ${i}` : `Film number ${i}`,
  genre: GENRES[i % 3],
}));
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');

let g: GatewayStack;
let browser: Browser;

const admin = (method: string, p: string, body?: unknown) =>
  g.gateway(p, {
    method,
    key: g.stack.adminApiKey,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  g = await startGatewayStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    keyRotator: true,
    env: {
      MIROIR_SEARCH_UI_JWT_SECRET: SECRET,
      MIROIR_SCOPED_KEY_BEACON_TTL_S: '3',
      MIROIR_NODE_TIMEOUT_MS: '1000',
    },
  });
  await g.waitWrite(await g.client.createIndex('films', { primaryKey: 'id' }));
  await g.waitWrite(await g.client.index('films').updateFilterableAttributes(['genre']));
  await g.waitWrite(await g.client.index('films').addDocuments(FILMS));
  await g.waitWrite(await g.client.createIndex('private', { primaryKey: 'id' }));
  const config = await admin('POST', '/_miroir/ui/search/films/config', {
    title: 'Films',
    fields: ['title', 'genre'],
    facets: ['genre'],
  });
  expect(config.status).toBe(200);
  browser = await chromium.launch({
    executablePath: process.env.MIROIR_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await g?.stop();
});

async function token(): Promise<string> {
  const res = await g.gateway('/_miroir/ui/search/films/session', { key: null });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

const withToken = (t: string, p: string, body?: unknown) =>
  g.gateway(p, {
    method: body === undefined ? 'GET' : 'POST',
    key: t,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('browser search tokens', () => {
  it('search one index, and nothing else', async () => {
    const t = await token();
    expect((await withToken(t, '/indexes/films/search', { q: 'dune' })).status).toBe(200);
    const other = await withToken(t, '/indexes/private/search', { q: '' });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'miroir_jwt_scope_denied', type: 'auth' });
    const docs = await withToken(t, '/indexes/films/documents');
    expect(docs.status).toBe(403);
    const multi = await withToken(t, '/multi-search', {
      queries: [{ indexUid: 'private', q: '' }],
    });
    expect(multi.status).toBe(403);

    const tampered = `${t.slice(0, -2)}${t.endsWith('A') ? 'B' : 'A'}A`;
    const bad = await withToken(tampered, '/indexes/films/search', { q: '' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'miroir_jwt_invalid', type: 'auth' });
    const [header] = t.split('.');
    const kid = (JSON.parse(Buffer.from(header!, 'base64url').toString()) as { kid: string }).kid;
    const expired = await new SignJWT({ idx: 'films', scope: 'search' })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer('miroir')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 5)
      .sign(new TextEncoder().encode(SECRET));
    const late = await withToken(expired, '/indexes/films/search', { q: '' });
    expect(late.status).toBe(401);
  });
});

describe('the hosted search page in Chromium', () => {
  it('searches with highlights, filters by facet, pages, and survives a key rotation', async () => {
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) refused.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${g.stack.gatewayUrl}/ui/search/films`);
    await expect(page.title()).resolves.toBe('Films');
    await page.locator('#status').filter({ hasText: '36 results' }).waitFor();

    await page.getByLabel('Search Films').fill('dune');
    await page.locator('li.hit mark').first().waitFor();
    expect(await page.locator('li.hit mark').first().textContent()).toBe('Dune');
    await page.locator('#status').filter({ hasText: '9 results' }).waitFor();

    await page.getByLabel('Search Films').fill('');
    await page.locator('#status').filter({ hasText: '36 results' }).waitFor();
    await page.getByLabel(/^sf \(\d+\)$/).check();
    await page.locator('#status').filter({ hasText: '12 results' }).waitFor();
    const genres = await page.locator('li.hit').allTextContents();
    expect(genres.every((text) => text.includes('genre: sf'))).toBe(true);

    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('#status').filter({ hasText: 'page 2 of 2' }).waitFor();
    expect(await page.locator('li.hit').count()).toBe(2);

    // A rotation while the page searches: no request fails.
    const before = await admin('POST', '/_miroir/keys/rotate', { index: 'films' });
    const generation =
      ((await before.json()) as { rotation: { generation: number } | null }).rotation?.generation ??
      0;
    await admin('POST', '/_miroir/keys/rotate', { index: 'films', force: true });
    const until = Date.now() + 30_000;
    let rotated = false;
    for (let i = 0; !rotated && Date.now() < until; i++) {
      await page.getByLabel('Search Films').fill(i % 2 ? 'dune' : 'film');
      await page.locator('li.hit').first().waitFor();
      const now = await admin('POST', '/_miroir/keys/rotate', { index: 'films' });
      const r = ((await now.json()) as { rotation: { generation: number; state: string } })
        .rotation;
      rotated = r.generation > generation && r.state === 'stable';
    }
    expect(rotated).toBe(true);
    // The facet is still selected: the Dune films of genre sf (ids 0, 12, 24).
    await page.getByLabel('Search Films').fill('dune');
    await page.locator('#status').filter({ hasText: '3 results' }).waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-page.png'), fullPage: true });
    expect(refused).toEqual([]);
    await page.close();
  }, 90_000);
});
