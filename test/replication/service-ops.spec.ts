/**
 * Every background service answers its operators (issue 15): `/health`, `/ready` and `/metrics`
 * on the address `MIROIR_OPS_ADDR` gives (here any free port, from the `listening` line), with the
 * metrics of what it does; `/ready` says 503 with its reasons while Redis or NATS is gone, and
 * ready again once it is back. Real processes, a Redis and a NATS of this test's own (killed).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Meilisearch } from 'meilisearch';
import {
  startPrivateNats,
  startPrivateRedis,
  startStack,
  until,
  type PrivateServer,
  type RunningProcess,
  type Stack,
} from '#lib/testing';

let redis: PrivateServer;
let nats: PrivateServer;
let stack: Stack;
let nodeUid: string;

beforeAll(async () => {
  [redis, nats] = await Promise.all([startPrivateRedis(), startPrivateNats()]);
  stack = await startStack({
    nodes: 3,
    replicationFactor: 2,
    shards: 8,
    rebalancer: true,
    keyRotator: true,
    redisUrl: redis.url,
    natsUrl: nats.url,
  });
  await stack.startRebalancer(); // a standby
  const client = new Meilisearch({ host: stack.gatewayUrl, apiKey: stack.masterKey });
  await client
    .index('lamps')
    .addDocuments(Array.from({ length: 30 }, (_, i) => ({ id: i, title: `lamp ${i}` })))
    .waitTask({ timeout: 30_000 });
  const res = await fetch(`${stack.gatewayUrl}/_miroir/shards?index=lamps`, {
    headers: { authorization: `Bearer ${stack.adminApiKey}` },
  });
  nodeUid = ((await res.json()) as { nodeIndex: string }).nodeIndex;
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([redis?.dispose(), nats?.dispose()]);
});

const services = (): [string, RunningProcess][] => [
  ['task-reconciler', stack.reconcilers[0]!],
  ['node-writer', stack.writers[0]!],
  ['rebalancer', stack.rebalancers[0]!],
  ['rebalancer', stack.rebalancers[1]!],
  ['key-rotator', stack.keyRotators[0]!],
];

async function get(p: RunningProcess, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${p.listening.url}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

/** Waits until every service says ready again. */
async function everyServiceReady(): Promise<void> {
  for (const [name, p] of services()) {
    await until(
      `${name} ready again`,
      async () => (await get(p, '/ready')).status === 200,
      30_000,
      200,
    );
  }
}

/** One sample's value from Prometheus text (`name{labels}` exactly as printed), or null. */
function sample(text: string, series: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return null;
}

describe('operator endpoints of the background services', () => {
  it('answer /health and /ready on every service', async () => {
    for (const [name, p] of services()) {
      expect({ name, ...(await get(p, '/health')) }).toEqual({
        name,
        status: 200,
        text: '{"status":"available"}',
      });
      expect({ name, ...(await get(p, '/ready')) }).toEqual({
        name,
        status: 200,
        text: '{"status":"ready"}',
      });
    }
  });

  it('show what each service does in /metrics', async () => {
    const metrics = async (p: RunningProcess) => (await get(p, '/metrics')).text;
    const writer = await until(
      'every copy applied the writes',
      async () => {
        const text = await metrics(stack.writers[0]!);
        const lags = ['meili-0', 'meili-1', 'meili-2'].map((node) =>
          sample(text, `miroir_writer_lag_messages{node="${node}",service="node-writer"}`),
        );
        return lags.every((l) => l === 0) ? text : null;
      },
      20_000,
      200,
    );
    expect(sample(writer, 'miroir_writers_held{service="node-writer"}')).toBe(3);
    expect(
      sample(
        writer,
        'miroir_writer_copy_state{node="meili-1",state="caught-up",service="node-writer"}',
      ),
    ).toBe(1);
    expect(
      sample(writer, 'miroir_writer_applied_seq{node="meili-2",service="node-writer"}'),
    ).toBeGreaterThan(0);
    // Process metrics come with every service.
    expect(sample(writer, 'process_resident_memory_bytes{service="node-writer"}')).toBeGreaterThan(
      0,
    );

    const reconciler = await until(
      'every task settled',
      async () => {
        const text = await metrics(stack.reconcilers[0]!);
        return sample(text, 'miroir_tasks_unsettled_messages{service="task-reconciler"}') === 0
          ? text
          : null;
      },
      20_000,
      200,
    );
    expect(
      sample(reconciler, 'miroir_leader{role="task-reconciler",service="task-reconciler"}'),
    ).toBe(1);
    // Tasks by status: this test's writes all succeeded, none is waiting.
    expect(
      sample(reconciler, 'miroir_tasks{status="succeeded",service="task-reconciler"}'),
    ).toBeGreaterThan(0);
    expect(sample(reconciler, 'miroir_tasks{status="enqueued",service="task-reconciler"}')).toBe(0);

    // One rebalancer leads, the other stands by.
    const leaders = await Promise.all(
      stack.rebalancers.map(async (p) =>
        sample(await metrics(p), 'miroir_leader{role="rebalancer",service="rebalancer"}'),
      ),
    );
    expect(leaders.sort()).toEqual([0, 1]);
    const rebalancer = await metrics(stack.rebalancers[0]!);
    expect(sample(rebalancer, 'miroir_nodes{state="active",service="rebalancer"}')).toBe(3);
    // Queue depths of every queue (nothing waits in this idle cluster).
    for (const queue of ['migrations', 'checks', 'keys']) {
      expect(
        sample(
          rebalancer,
          `miroir_queue_jobs{queue="${queue}",state="waiting",service="rebalancer"}`,
        ),
      ).toBe(0);
    }

    const rotator = await until(
      'the first scoped key',
      async () => {
        const text = await metrics(stack.keyRotators[0]!);
        const generation = sample(
          text,
          `miroir_scoped_key_generation{index="${nodeUid}",service="key-rotator"}`,
        );
        return generation !== null && generation >= 1 ? text : null;
      },
      20_000,
      200,
    );
    expect(sample(rotator, 'miroir_leader{role="key-rotator",service="key-rotator"}')).toBe(1);
    expect(
      sample(rotator, `miroir_scoped_key_age_seconds{index="${nodeUid}",service="key-rotator"}`),
    ).toBeGreaterThanOrEqual(0);
  });

  it('export every metric the alert rules and the dashboard in deploy/monitoring name', async () => {
    const exported = new Set<string>();
    const texts = await Promise.all([
      ...services().map(async ([, p]) => (await get(p, '/metrics')).text),
      fetch(`${stack.gatewayUrl}/metrics`, {
        headers: { authorization: `Bearer ${stack.adminApiKey}` },
      }).then((r) => r.text()),
    ]);
    for (const text of texts) {
      for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exported.add(name!);
        if (type === 'histogram')
          for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
      }
    }
    const named = (file: string) =>
      new Set(
        readFileSync(new URL(`../../deploy/monitoring/${file}`, import.meta.url), 'utf8').match(
          /\bmiroir_[a-z_]+/g,
        ),
      );
    for (const file of ['alerts.yaml', 'dashboard.json']) {
      const unknown = [...named(file)].filter((n) => !exported.has(n));
      expect({ file, unknown }).toEqual({ file, unknown: [] });
    }
  });

  it('say 503 with the reason while Redis is gone, and ready once it is back', async () => {
    await redis.kill();
    try {
      for (const [name, p] of services()) {
        const ready = await get(p, '/ready');
        expect({ name, status: ready.status }).toEqual({ name, status: 503 });
        const body = JSON.parse(ready.text) as { status: string; reasons: string[] };
        expect(body.status).toBe('not ready');
        expect(body.reasons.join()).toContain('the store (Redis) does not answer');
        // Liveness is not readiness: the process is fine, only its store is not.
        expect((await get(p, '/health')).status).toBe(200);
      }
    } finally {
      await redis.start();
    }
    await everyServiceReady();
  }, 90_000);

  it('say 503 with the reason while NATS is gone, and ready once it is back', async () => {
    await nats.kill();
    try {
      for (const [name, p] of services()) {
        const ready = await until(
          `${name} not ready`,
          async () => {
            const r = await get(p, '/ready');
            return r.status === 503 ? r : null;
          },
          10_000,
          200,
        );
        expect(JSON.parse(ready.text)).toMatchObject({
          status: 'not ready',
          reasons: expect.arrayContaining([expect.stringContaining('NATS does not answer')]),
        });
        expect((await get(p, '/health')).status).toBe(200);
      }
    } finally {
      await nats.start();
    }
    await everyServiceReady();
  }, 90_000);
});
