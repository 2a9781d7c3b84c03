import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  HttpNodeClient,
  NodeApiError,
  NodeHealth,
  NodeTimeoutError,
  NodeUnavailableError,
  type RequestMetric,
} from '#lib/node-client';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  contentType: string | undefined;
  body: string;
}

const seen: Seen[] = [];
const pending: ServerResponse[] = [];

function reply(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A stand-in node answering just what these tests need. */
async function handle(req: IncomingMessage, res: ServerResponse) {
  let body = '';
  for await (const chunk of req) body += chunk;
  seen.push({
    method: req.method!,
    url: req.url!,
    auth: req.headers.authorization,
    contentType: req.headers['content-type'],
    body,
  });
  const url = req.url!.replace(/^\/prefix/, '');
  if (url === '/indexes/movies/search') {
    const q = JSON.parse(body) as { q: string };
    return reply(res, 200, { hits: [{ id: 1 }], query: q.q, processingTimeMs: 1 });
  }
  if (url.startsWith('/indexes/movies/documents')) {
    return reply(res, 202, {
      taskUid: 7,
      indexUid: 'movies',
      status: 'enqueued',
      type: 'documentAdditionOrUpdate',
      enqueuedAt: '2026-01-01T00:00:00Z',
    });
  }
  if (url === '/indexes/nope') {
    return reply(res, 404, {
      message: 'Index `nope` not found.',
      code: 'index_not_found',
      type: 'invalid_request',
      link: 'https://docs.meilisearch.com/errors#index_not_found',
    });
  }
  if (url === '/keys/k1') {
    res.writeHead(204);
    return res.end();
  }
  if (url === '/slow') return pending.push(res);
  if (url === '/bad-gateway') return reply(res, 502, '<html>Bad Gateway</html>', 'text/html');
  if (url === '/not-json') return reply(res, 200, 'hello', 'text/plain');
  return reply(res, 404, 'no route', 'text/plain');
}

let server: Server;
let base: string;
let refusedUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nobody listens on: bind, read it, close.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  refusedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  for (const res of pending) res.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(extra: ConstructorParameters<typeof HttpNodeClient>[0] = {}) {
  return new HttpNodeClient({
    nodes: [
      { id: 'meili-0', url: base },
      { id: 'prefixed', url: `${base}/prefix/` },
      { id: 'down', url: refusedUrl },
    ],
    nodeKey: 'node-secret',
    timeoutMs: 1000,
    ...extra,
  });
}

describe('HttpNodeClient', () => {
  it('sends JSON with the node key and parses the reply', async () => {
    const c = client();
    const reply = await c.search('meili-0', 'movies', { q: 'dune', limit: 3 });
    expect(reply).toEqual({ hits: [{ id: 1 }], query: 'dune', processingTimeMs: 1 });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/indexes/movies/search',
      auth: 'Bearer node-secret',
      contentType: 'application/json',
      body: '{"q":"dune","limit":3}',
    });
    await c.close();
  });

  it('sends a document payload unchanged, with content type, primary key and method', async () => {
    const c = client();
    const payload = Buffer.from('{"id":1}\n{"id":2}\n');
    const task = await c.addDocuments('prefixed', 'movies', payload, {
      contentType: 'application/x-ndjson',
      primaryKey: 'id',
      method: 'PUT',
    });
    expect(task.taskUid).toBe(7);
    expect(seen.at(-1)).toMatchObject({
      method: 'PUT',
      url: '/prefix/indexes/movies/documents?primaryKey=id',
      contentType: 'application/x-ndjson',
      body: payload.toString(),
    });
    expect(await c.deleteKey('meili-0', 'k1')).toBeNull();
    await c.close();
  });

  it('keeps the raw text available', async () => {
    const c = client();
    const r = await c.requestText('meili-0', 'POST', '/indexes/movies/search', {
      body: { q: 'x' },
    });
    expect(r).toEqual({
      status: 200,
      body: '{"hits":[{"id":1}],"query":"x","processingTimeMs":1}',
    });
    await c.close();
  });

  it("passes Meilisearch's error object through unchanged", async () => {
    const c = client();
    const error = await c.getIndex('meili-0', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    const api = error as NodeApiError;
    expect(api.status).toBe(404);
    expect(api.body).toEqual({
      message: 'Index `nope` not found.',
      code: 'index_not_found',
      type: 'invalid_request',
      link: 'https://docs.meilisearch.com/errors#index_not_found',
    });
    expect(api.toMeiliError().toJSON()).toEqual(api.body);
    expect(api.toMeiliError().status).toBe(404);
    await c.close();
  });

  it('reports a timeout as NodeTimeoutError', async () => {
    const c = client();
    const started = Date.now();
    const error = await c
      .request('meili-0', 'GET', '/slow', { timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeTimeoutError);
    expect((error as NodeTimeoutError).timeoutMs).toBe(100);
    expect(Date.now() - started).toBeLessThan(900);
    await c.close();
  });

  it('reports refused connections, proxy errors and non-JSON answers as NodeUnavailableError', async () => {
    const c = client();
    const refused = await c.health('down').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NodeUnavailableError);
    expect((refused as NodeUnavailableError).reason).toBe('ECONNREFUSED');
    const proxy = await c.request('meili-0', 'GET', '/bad-gateway').catch((e: unknown) => e);
    expect(proxy).toBeInstanceOf(NodeUnavailableError);
    expect((proxy as NodeUnavailableError).status).toBe(502);
    const garbage = await c.request('meili-0', 'GET', '/not-json').catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(NodeUnavailableError);
    const unknown = await c.health('nobody').catch((e: unknown) => e);
    expect((unknown as NodeUnavailableError).reason).toBe('unknown node');
    await c.close();
  });

  it('surfaces the caller abort without blaming the node', async () => {
    const health = new NodeHealth();
    const c = client({ health });
    const controller = new AbortController();
    const call = c.request('meili-0', 'GET', '/slow', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('client went away')), 20);
    await expect(call).rejects.toThrow('client went away');
    expect(health.isHealthy('meili-0')).toBe(true);
    await c.close();
  });

  it('feeds passive health and metrics', async () => {
    let now = 0;
    const health = new NodeHealth({ now: () => now });
    const metrics: RequestMetric[] = [];
    const c = client({ health, onRequest: (m) => metrics.push(m) });

    await expect(c.health('down')).rejects.toBeInstanceOf(NodeUnavailableError);
    expect(health.isHealthy('down')).toBe(false);
    await expect(c.request('meili-0', 'GET', '/slow', { timeoutMs: 50 })).rejects.toBeInstanceOf(
      NodeTimeoutError,
    );
    expect(health.isHealthy('meili-0')).toBe(false);
    // A Meilisearch answer, even an error, proves the node is up.
    await expect(c.getIndex('meili-0', 'nope')).rejects.toBeInstanceOf(NodeApiError);
    expect(health.isHealthy('meili-0')).toBe(true);
    now = 1000;
    expect(health.isHealthy('down')).toBe(true);

    expect(metrics.map((m) => [m.nodeId, m.route, m.method, m.status])).toEqual([
      ['down', 'health', 'GET', 'unavailable'],
      ['meili-0', 'request', 'GET', 'timeout'],
      ['meili-0', 'getIndex', 'GET', 404],
    ]);
    await c.close();
  });

  it('follows topology changes', async () => {
    const c = client();
    c.setNodes([{ id: 'meili-9', url: base }]);
    await expect(c.health('meili-0')).rejects.toBeInstanceOf(NodeUnavailableError);
    expect((await c.search('meili-9', 'movies', { q: 'a' })).query).toBe('a');
    await c.close();
  });
});
