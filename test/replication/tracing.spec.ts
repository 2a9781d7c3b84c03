/**
 * One trace for one write (issue 15): with an OTLP endpoint configured by the standard variables,
 * the gateway's request, its log append, each node writer's call to each node holding the document
 * and the task's final status are spans of the trace the client started (its `traceparent`).
 * Real processes export to an OTLP/HTTP (JSON) receiver of this test's own.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import { shardOf } from '#lib/routing';
import { startStack, until, type Stack } from '#lib/testing';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
}

const spans: ReceivedSpan[] = [];
let receiver: Server;
let stack: Stack;

/** An OTLP/HTTP receiver (JSON encoding, as @opentelemetry/exporter-trace-otlp-http sends). */
function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const data = JSON.parse(body) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: {
            spans: {
              traceId: string;
              spanId: string;
              parentSpanId?: string;
              name: string;
              attributes?: { key: string; value: Record<string, unknown> }[];
            }[];
          }[];
        }[];
      };
      for (const rs of data.resourceSpans) {
        const service =
          rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              service,
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              attributes: Object.fromEntries(
                (s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]),
              ),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    receiver.listen(0, '127.0.0.1', () => {
      const address = receiver.address() as { port: number };
      resolve(`http://127.0.0.1:${address.port}`);
    }),
  );
}

beforeAll(async () => {
  const endpoint = await startReceiver();
  stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  receiver?.close();
});

describe('tracing', () => {
  it('shows one write, from the client through the log and every node writer to its final status, in one trace', async () => {
    const client = new Meilisearch({ host: stack.gatewayUrl, apiKey: stack.masterKey });
    await client.createIndex('traced', { primaryKey: 'id' }).waitTask({ timeout: 30_000 });
    const traceId = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');
    const res = await fetch(`${stack.gatewayUrl}/indexes/traced/documents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.masterKey}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${clientSpan}-01`,
      },
      body: JSON.stringify([{ id: 'lamp-1', title: 'a lamp' }]),
    });
    expect(res.status).toBe(202);
    const { taskUid } = (await res.json()) as { taskUid: number };
    await client.tasks.waitForTask(taskUid, { timeout: 30_000 });

    const shards = (await (
      await fetch(`${stack.gatewayUrl}/_miroir/shards?index=traced`, {
        headers: { authorization: `Bearer ${stack.adminApiKey}` },
      })
    ).json()) as { groups: Record<string, { owners: string[] }[]> };
    const holders = shards.groups['0']![shardOf('lamp-1', 8)]!.owners.sort();

    const trace = await until(
      'the whole write in one trace',
      () => {
        const mine = spans.filter((s) => s.traceId === traceId);
        const writes = mine.filter((s) => s.name === 'node write');
        const settled = mine.some((s) => s.name === 'task succeeded');
        return writes.length >= holders.length && settled ? mine : null;
      },
      20_000,
      100,
    );
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const request = trace.find(
      (s) => s.service === 'miroir-gateway' && s.parentSpanId === clientSpan,
    );
    expect(request?.name).toBe('POST /indexes/:indexUid/documents');
    const append = trace.find((s) => s.name === 'log append')!;
    expect(append).toMatchObject({ service: 'miroir-gateway', parentSpanId: request!.spanId });
    // Each node holding the document got its write from a node writer, in this trace.
    const writes = trace.filter((s) => s.name === 'node write');
    expect(writes.map((w) => w.attributes['miroir.node']).sort()).toEqual(holders);
    for (const w of writes) {
      expect(w).toMatchObject({ service: 'miroir-node-writer', parentSpanId: append.spanId });
      // The HTTP call to the node itself (undici), inside the writer's span.
      expect(
        trace.some((s) => s.parentSpanId === w.spanId && s.service === 'miroir-node-writer'),
      ).toBe(true);
    }
    const settled = trace.find((s) => s.name === 'task succeeded')!;
    expect(settled).toMatchObject({
      service: 'miroir-task-reconciler',
      parentSpanId: append.spanId,
      attributes: { 'miroir.task.uid': taskUid, 'miroir.task.status': 'succeeded' },
    });
    expect(byId.get(settled.parentSpanId)?.name).toBe('log append');
    // The gateway's request log line names the trace, so a log search finds its spans.
    const logged = await until(
      "the request's log line",
      () =>
        stack.gateway
          .output()
          .split('\n')
          .some((line) => line.includes('"event":"request"') && line.includes(traceId)),
      5000,
      50,
    );
    expect(logged).toBe(true);
  }, 90_000);

  it('shows a search as its request and the calls to the nodes it covered', async () => {
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(`${stack.gatewayUrl}/indexes/traced/search`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.masterKey}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ q: 'lamp' }),
    });
    expect(res.status).toBe(200);
    const trace = await until(
      'the search trace',
      () => {
        const mine = spans.filter((s) => s.traceId === traceId);
        return mine.length >= 2 ? mine : null;
      },
      20_000,
      100,
    );
    const request = trace.find((s) => s.name === 'POST /indexes/:indexUid/search')!;
    const calls = trace.filter((s) => s.parentSpanId === request.spanId);
    // 8 shards over 3 nodes at RF 2: the covering set needs at least two nodes.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => c.service === 'miroir-gateway')).toBe(true);
  }, 30_000);
});
