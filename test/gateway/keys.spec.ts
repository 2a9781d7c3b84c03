/** Acceptance 5: Meilisearch's keys, key rules and tenant tokens, enforced by the gateway. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch, type Key } from 'meilisearch';
import { generateTenantToken } from 'meilisearch/token';
import {
  jsonOf,
  meiliError,
  startGatewayStack,
  type GatewayStack,
} from './support/gateway-stack.js';

const DOCS = Array.from({ length: 30 }, (_, i) => ({
  id: i,
  title: `shared title ${i}`,
  tenant: ['a', 'b', 'c'][i % 3],
}));

let g: GatewayStack;
let searchKey: Key;
let adminKey: Key;

beforeAll(async () => {
  g = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8 });
  for (const uid of ['alpha', 'beta']) {
    await g.waitWrite(await g.client.createIndex(uid, { primaryKey: 'id' }));
    await g.waitWrite(await g.client.index(uid).updateFilterableAttributes(['tenant']));
    await g.waitWrite(await g.client.index(uid).addDocuments(DOCS));
  }
  const keys = (await g.client.getKeys()).results;
  searchKey = keys.find((k) => k.name === 'Default Search API Key')!;
  adminKey = keys.find((k) => k.name === 'Default Admin API Key')!;
}, 60_000);
afterAll(() => g?.stop());

const invalidKey = { status: 403, body: meiliError('invalid_api_key', 'auth') };

describe('API keys', () => {
  it("lists Meilisearch's four default keys", async () => {
    const { results, total } = await g.client.getKeys();
    expect(total).toBe(4);
    const summary = results.map(({ name, actions, indexes, expiresAt }) => ({
      name,
      actions,
      indexes,
      expiresAt,
    }));
    expect(summary.sort((a, b) => a.name!.localeCompare(b.name!))).toEqual([
      { name: 'Default Admin API Key', actions: ['*'], indexes: ['*'], expiresAt: null },
      {
        name: 'Default Chat API Key',
        actions: ['chatCompletions', 'search'],
        indexes: ['*'],
        expiresAt: null,
      },
      {
        name: 'Default Read-Only Admin API Key',
        actions: ['*.get', 'keys.get'],
        indexes: ['*'],
        expiresAt: null,
      },
      { name: 'Default Search API Key', actions: ['search'], indexes: ['*'], expiresAt: null },
    ]);
    for (const key of results) expect(key.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a search key searches but cannot write', async () => {
    const client = new Meilisearch({ host: g.stack.gatewayUrl, apiKey: searchKey.key });
    expect((await client.index('alpha').search('title')).hits.length).toBeGreaterThan(0);
    const write = await g.gateway('/indexes/alpha/documents', {
      key: searchKey.key,
      method: 'POST',
      body: JSON.stringify([{ id: 99 }]),
    });
    expect(await jsonOf(write)).toEqual(invalidKey);
    const settings = await g.gateway('/indexes/alpha/settings', { key: searchKey.key });
    expect(await jsonOf(settings)).toEqual(invalidKey);
  });

  it('a key limited to one index cannot read another', async () => {
    const limited = await g.client.createKey({
      actions: ['search', 'documents.get'],
      indexes: ['alpha'],
      expiresAt: null,
    });
    const client = new Meilisearch({ host: g.stack.gatewayUrl, apiKey: limited.key });
    expect((await client.index('alpha').search('', { limit: 100 })).hits).toHaveLength(30);
    expect((await client.index('alpha').getDocument(3)).id).toBe(3);
    for (const path of ['/indexes/beta/search?q=title', '/indexes/beta/documents/3']) {
      expect(await jsonOf(await g.gateway(path, { key: limited.key }))).toEqual(invalidKey);
    }
    const multi = await g.gateway('/multi-search', {
      key: limited.key,
      method: 'POST',
      body: JSON.stringify({ queries: [{ indexUid: 'beta', q: '' }] }),
    });
    expect(await jsonOf(multi)).toEqual(invalidKey);
  });

  it('a key may create only the indexes its rules cover', async () => {
    const creator = await g.client.createKey({
      actions: ['indexes.create'],
      indexes: ['logs-*'],
      expiresAt: null,
    });
    const create = (uid: string) =>
      g.gateway('/indexes', {
        key: creator.key,
        method: 'POST',
        body: JSON.stringify({ uid, primaryKey: 'id' }),
      });
    expect((await create('logs-2026')).status).toBe(202);
    expect(await jsonOf(await create('billing'))).toEqual(invalidKey);
  });

  it('an expired key is refused', async () => {
    const expired = await g.client.createKey({
      actions: ['search'],
      indexes: ['*'],
      expiresAt: new Date(Date.now() + 1500),
    });
    expect((await g.gateway('/indexes/alpha/search', { key: expired.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await jsonOf(await g.gateway('/indexes/alpha/search', { key: expired.key }))).toEqual(
      invalidKey,
    );
  });

  it('missing header → 401 missing_authorization_header; unknown key → 403 invalid_api_key', async () => {
    expect(await jsonOf(await g.gateway('/indexes/alpha/search', { key: null }))).toEqual({
      status: 401,
      body: meiliError('missing_authorization_header', 'auth'),
    });
    expect(await jsonOf(await g.gateway('/indexes/alpha/search', { key: 'not-a-key' }))).toEqual(
      invalidKey,
    );
    expect(await jsonOf(await g.gateway('/keys', { key: null }))).toEqual({
      status: 401,
      body: meiliError('missing_authorization_header', 'auth'),
    });
    expect(await jsonOf(await g.gateway('/keys', { key: searchKey.key }))).toEqual(invalidKey);
  });

  it('admin routes need the admin key (or the master key), not an API key', async () => {
    const routes = ['/_miroir/topology', '/_miroir/shards?index=alpha'];
    for (const path of routes) {
      expect((await g.gateway(path, { key: g.stack.adminApiKey })).status).toBe(200);
      expect((await g.gateway(path, { key: g.stack.masterKey })).status).toBe(200);
      expect(await jsonOf(await g.gateway(path, { key: adminKey.key }))).toEqual(invalidKey);
      expect((await g.gateway(path, { key: null })).status).toBe(401);
    }
  });
});

describe('API documents', () => {
  it('the admin API (OpenAPI) and the events (AsyncAPI) are published', async () => {
    const openapi = (await (await g.gateway('/_miroir/openapi.json', { key: null })).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/_miroir/topology',
        '/_miroir/shards',
        '/_miroir/ready',
        '/metrics',
      ]),
    );
    const asyncapi = (await (await g.gateway('/_miroir/asyncapi.json', { key: null })).json()) as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
    };
    expect(asyncapi.asyncapi).toMatch(/^3\./);
    expect(Object.values(asyncapi.channels).map((c) => c.address)).toEqual(
      expect.arrayContaining(['miroir.documents.{index}.written', 'miroir.tasks.{uid}.{status}']),
    );
  });
});

describe('tenant tokens', () => {
  const tokenClient = async (searchRules: object, expiresAt?: Date) => {
    const token = await generateTenantToken({
      apiKey: searchKey.key,
      apiKeyUid: searchKey.uid,
      searchRules: searchRules as never,
      expiresAt,
    });
    return { token, client: new Meilisearch({ host: g.stack.gatewayUrl, apiKey: token }) };
  };

  it('applies its filter and refuses other indexes', async () => {
    const { token, client } = await tokenClient({ alpha: { filter: 'tenant = a' } });
    const own = await client.index('alpha').search('title', { limit: 100, facets: ['tenant'] });
    expect(own.hits.map((h) => h.id).sort((a, b) => a - b)).toEqual(
      DOCS.filter((d) => d.tenant === 'a').map((d) => d.id),
    );
    expect(own.facetDistribution).toEqual({ tenant: { a: 10 } });
    // The client's own filter is AND-ed, never a way around the rule.
    const widened = await client.index('alpha').search('', { filter: 'tenant = b OR tenant = a' });
    expect(widened.hits.every((h) => h.tenant === 'a')).toBe(true);
    const multi = await client.multiSearch({ queries: [{ indexUid: 'alpha', q: '', limit: 100 }] });
    expect(multi.results[0]!.hits).toHaveLength(10);

    expect(await jsonOf(await g.gateway('/indexes/beta/search', { key: token }))).toEqual(
      invalidKey,
    );
    const otherMulti = await g.gateway('/multi-search', {
      key: token,
      method: 'POST',
      body: JSON.stringify({ queries: [{ indexUid: 'beta', q: '' }] }),
    });
    expect(await jsonOf(otherMulti)).toEqual(invalidKey);
    // Search only: no documents, no writes.
    expect(await jsonOf(await g.gateway('/indexes/alpha/documents', { key: token }))).toEqual(
      invalidKey,
    );
  });

  it('a wildcard rule with a filter reaches every index, filtered', async () => {
    const { client } = await tokenClient({ '*': { filter: 'tenant = c' } });
    for (const uid of ['alpha', 'beta']) {
      const { hits } = await client.index(uid).search('', { limit: 100 });
      expect(hits).toHaveLength(10);
      expect(hits.every((h) => h.tenant === 'c')).toBe(true);
    }
  });

  // Messages of meilisearch extractors/authentication/mod.rs `AuthError` (ExpiredTenantToken, with
  // `exp` and now in unix seconds and `now > exp`; CouldNotDecodeTenantToken for a bad signature).
  it('an expired token or a token signed with another key is refused', async () => {
    const { token: expired } = await tokenClient({ '*': {} }, new Date(Date.now() + 1000));
    expect((await g.gateway('/indexes/alpha/search', { key: expired })).status).toBe(200);
    // `exp` is whole seconds and a token expires once now > exp: 2.1 s always crosses it.
    await new Promise((r) => setTimeout(r, 2100));
    const late = await jsonOf(await g.gateway('/indexes/alpha/search', { key: expired }));
    expect(late.status).toBe(403);
    expect(late.body).toMatchObject({ code: 'invalid_api_key', type: 'auth' });
    expect((late.body as { message: string }).message).toMatch(
      /^Tenant token expired\. Was valid up to `\d+` and we're now `\d+`\.$/,
    );
    const forged = await generateTenantToken({
      apiKey: adminKey.key,
      apiKeyUid: searchKey.uid,
      searchRules: ['*'],
    });
    expect(await jsonOf(await g.gateway('/indexes/alpha/search', { key: forged }))).toEqual({
      status: 403,
      body: {
        message: 'Could not decode tenant token, InvalidSignature.',
        code: 'invalid_api_key',
        type: 'auth',
        link: 'https://docs.meilisearch.com/errors#invalid_api_key',
      },
    });
  });
});
