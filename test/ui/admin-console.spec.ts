/**
 * Issue 14's admin console in headless Chromium (Debian's, driven by playwright-core), against the
 * real processes (emulator nodes, gateway, node writer, task-reconciler, rebalancer, key-rotator):
 * sign in with the admin key; health turns yellow while a node is frozen and green after; a
 * rebalance watched live moves to done; an alias flipped; a verify started and its result seen; a
 * failed task's node errors; the activity log; a destructive action refused without its name
 * retyped. Cookie requests without the CSRF token are refused, and the console never receives a
 * node key. Screenshots are kept in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freeze, REPO_ROOT, thaw } from '#lib/testing';
import {
  startGatewayStack,
  type GatewayStack,
  type Json,
} from '../gateway/support/gateway-stack.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const AXE = path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const FILMS = Array.from({ length: 60 }, (_, id) => ({ id, title: `Film ${id}` }));

let g: GatewayStack;
let browser: Browser;
let page: Page;
/** Every body the console received (event stream aside), to look for secrets in. */
const received: string[] = [];

const admin = async (method: string, p: string, body?: unknown): Promise<Json> => {
  const res = await g.gateway(p, {
    method,
    key: g.stack.adminApiKey,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
};
const shot = (name: string) =>
  page.screenshot({ path: path.join(ARTIFACTS, `admin-console-${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  g = await startGatewayStack({
    nodes: 3,
    spareNodes: 1,
    replicationFactor: 2,
    shards: 8,
    rebalancer: true,
    keyRotator: true,
    env: { MIROIR_NODE_TIMEOUT_MS: '1000' },
  });
  for (const uid of ['films', 'films_v2']) {
    await g.waitWrite(await g.client.createIndex(uid, { primaryKey: 'id' }));
    await g.waitWrite(await g.client.index(uid).addDocuments(FILMS));
  }
  expect(
    (
      await g.gateway('/_miroir/aliases', {
        method: 'POST',
        key: g.stack.adminApiKey,
        body: JSON.stringify({ name: 'films_live', target: 'films' }),
      })
    ).status,
  ).toBe(201);
  browser = await chromium.launch({
    executablePath: process.env.MIROIR_TEST_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('response', (res) => {
    if ((res.headers()['content-type'] ?? '').includes('event-stream')) return;
    res.text().then(
      (t) => received.push(t),
      () => undefined,
    );
  });
}, 120_000);

afterAll(async () => {
  for (const n of g?.stack.nodes ?? []) thaw(n);
  await browser?.close();
  await g?.stop();
});

const text = (selector: string) => page.locator(selector).innerText();
async function untilText(selector: string, pattern: RegExp, timeout = 60_000): Promise<string> {
  await page.locator(selector).filter({ hasText: pattern }).first().waitFor({ timeout });
  return text(selector);
}

describe('admin console', () => {
  it('signs in with the admin key, never with a wrong one', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin`);
    await page.getByLabel('Admin key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A wrong key is Meilisearch's 403 invalid_api_key, "The provided API key is invalid."
    // (https://www.meilisearch.com/docs/reference/errors/error_codes#invalid_api_key; api.md).
    expect(await untilText('#login-error', /The provided API key is invalid\./)).toBeTruthy();
    await page.getByLabel('Admin key').fill(g.stack.adminApiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await untilText('#health', /Cluster green/);
    await untilText('main', /Indexes\s*2/);
    await shot('overview');
    // The whole console is one small document (the issue: ≤ 150 KB gzipped).
    const html = await (await fetch(`${g.stack.gatewayUrl}/_miroir/admin`)).arrayBuffer();
    expect(gzipSync(Buffer.from(html)).length).toBeLessThan(150_000);
  }, 60_000);

  it('shows the search rate (this gateway, over the last minute)', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#overview`);
    await untilText('main', /Searches \/ min/);
    await new Promise((r) => setTimeout(r, 1200));
    for (let i = 0; i < 10; i++) await g.client.index('films').search('film');
    await page.getByRole('link', { name: 'Topology' }).click();
    await untilText('main', /Shard map/);
    await page.getByRole('link', { name: 'Overview' }).click();
    const overview = await untilText('main', /Searches \/ min \(this gateway\)\s*\d+/);
    const rate = Number(
      /Searches \/ min \(this gateway\)\s*([\d,]+)/.exec(overview)![1]!.replace(',', ''),
    );
    expect(rate).toBeGreaterThan(0);
  }, 60_000);

  it('refuses cookie requests without the CSRF token, and takes them with it', async () => {
    const url = `${g.stack.gatewayUrl}/_miroir/rebalance/pause`;
    // The browser's own cookie, without the token: refused, nothing changed.
    const bare = await page.request.post(url);
    expect(bare.status()).toBe(403);
    expect(((await bare.json()) as { code: string }).code).toBe('invalid_api_key');
    expect((await admin('GET', '/_miroir/rebalance')).status).not.toBe('paused');
    // The session reads what the console shows, never documents (Meilisearch, without a key:
    // 401 missing_authorization_header, https://www.meilisearch.com/docs/reference/errors/error_codes#missing_authorization_header).
    expect((await page.request.get(`${g.stack.gatewayUrl}/tasks?limit=1`)).status()).toBe(200);
    const documents = await page.request.get(`${g.stack.gatewayUrl}/indexes/films/documents`);
    expect(documents.status()).toBe(401);
    expect(((await documents.json()) as { code: string }).code).toBe(
      'missing_authorization_header',
    );
    const csrf = await page.evaluate<string | null>("sessionStorage.getItem('miroir.csrf')");
    const ok = await page.request.post(url, { headers: { 'x-csrf-token': csrf! } });
    expect(ok.status()).toBe(202);
    const resume = await page.request.post(`${g.stack.gatewayUrl}/_miroir/rebalance/resume`, {
      headers: { 'x-csrf-token': csrf! },
    });
    expect(resume.status()).toBe(202);
  });

  it('turns yellow while a node is frozen, and green again after', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#overview`);
    const frozen = g.stack.nodes[2]!;
    freeze(frozen);
    try {
      await untilText('#health', /Cluster yellow/, 60_000);
      await page.reload();
      expect(await untilText('#health-reasons', new RegExp(`node ${frozen.id} is failed`))).toBe(
        await text('#health-reasons'),
      );
      await shot('yellow');
    } finally {
      thaw(frozen);
    }
    await untilText('#health', /Cluster green/, 90_000);
  }, 180_000);

  it("shows a failed task's node errors", async () => {
    // Not filterable: every node refuses the deletion (Meilisearch: invalid_document_filter,
    // https://www.meilisearch.com/docs/reference/errors/error_codes#invalid_document_filter).
    const task = await g.client.index('films').deleteDocuments({ filter: 'title = x' });
    const done = await g.waitWrite(task);
    expect(done?.status).toBe('failed');
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#tasks`);
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('button', { name: `Details of ${task.taskUid}` }).click();
    const details = await untilText('main', /What each node did/);
    expect(details).toContain('invalid_document_filter');
    for (const n of g.stack.nodes.slice(0, 3)) expect(details).toContain(n.id);
    await shot('failed-task');
  });

  it('flips an alias', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#aliases`);
    await page.getByLabel('Alias', { exact: true }).fill('films_live');
    await page.getByLabel('Target index').fill('films_v2');
    await page.getByRole('button', { name: 'Create or flip' }).click();
    await untilText('#notice', /Flip films_live: done\./);
    expect((await admin('GET', '/_miroir/aliases/films_live')).targets).toEqual(['films_v2']);
    await untilText('main', /films_v2/);
    await page.getByRole('button', { name: 'History of films_live' }).click();
    await untilText('main', /History of films_live/);
    await shot('alias');
  });

  it('starts a verify and shows its result', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#indexes`);
    await page.getByRole('button', { name: 'Open films', exact: true }).click();
    await page.getByRole('button', { name: 'Verify copies' }).click();
    const result = await untilText('#check-result', /Verify succeeded/);
    expect(result).toMatch(/shards 8\/8 · disagreements 0/);
    await shot('verify');
  });

  it('refuses a destructive action unless the name is typed again', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#topology`);
    const node = g.stack.nodes[0]!;
    page.once('dialog', (d) => void d.accept('not-the-name'));
    await page.getByRole('button', { name: `Drain ${node.id}` }).click();
    await new Promise((r) => setTimeout(r, 500));
    const topology = await admin('GET', '/_miroir/topology');
    expect(topology.nodes.find((n: Json) => n.id === node.id).state).toBe('active');
  });

  it('watches a rebalance move to done, live', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#rebalance`);
    await untilText('#rebalance-status', /Status: idle/);
    const spare = g.stack.nodes[3]!;
    const added = await g.gateway('/_miroir/nodes', {
      method: 'POST',
      key: g.stack.adminApiKey,
      body: JSON.stringify({ id: spare.id, url: spare.url }),
    });
    expect(added.status).toBe(202);
    // No reload: the event stream brings each step.
    const seen = new Set<string>();
    const end = Date.now() + 120_000;
    for (;;) {
      const status = await text('#rebalance-status');
      seen.add(status.replace(/ ·.*/, ''));
      const m = /Status: idle · moves done (\d+)\/(\d+)/.exec(status);
      if (m && Number(m[2]) > 0 && m[1] === m[2]) break;
      if (Date.now() > end) throw new Error(`rebalance not done: ${status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await text('main')).toContain(spare.id);
    await shot('rebalance');
  }, 150_000);

  it('has no serious accessibility violation on any page (axe-core)', async () => {
    const found: string[] = [];
    for (const name of [
      'overview',
      'topology',
      'rebalance',
      'indexes',
      'tasks',
      'aliases',
      'keys',
      'activity',
    ]) {
      await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#${name}`);
      await page.locator('main h2').first().waitFor();
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate<{ id: string; impact: string; help: string }[]>(
        `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help })))`,
      );
      for (const v of violations) {
        if (v.impact === 'serious' || v.impact === 'critical')
          found.push(`${name}: ${v.id} (${v.help})`);
      }
    }
    expect(found).toEqual([]);
  });

  it('keeps an activity log of the changes made, and shows key rotations without key values', async () => {
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#activity`);
    const log = await untilText('main', /PUT \/_miroir\/aliases\/films_live/);
    expect(log).toMatch(/console session [0-9a-f]{8}/);
    expect(log).toContain('POST /_miroir/verify');
    expect(log).toContain('POST /_miroir/nodes');
    await shot('activity');
    await page.goto(`${g.stack.gatewayUrl}/_miroir/admin#keys`);
    await untilText('main', /films/);
    // No key value anywhere in what the console received: not the node key, not a scoped key.
    const nodeKeys = (await (await g.node(g.stack.nodes[0]!, '/keys?limit=1000')).json()) as {
      results: { key: string }[];
    };
    const secrets = [g.stack.nodeKey, ...nodeKeys.results.map((k) => k.key)];
    expect(secrets.length).toBeGreaterThan(1);
    const leaked = secrets.filter((s) => received.some((body) => body.includes(s)));
    expect(leaked).toEqual([]);
  });
});
