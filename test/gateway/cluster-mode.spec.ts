/**
 * Issue 15: the gateway's cluster mode (`MIROIR_GATEWAY_WORKERS`). One primary forks the workers;
 * they share the client port, each serves a part of the load, a scrape of /metrics counts every
 * worker's requests, a worker that dies is replaced, and stopping the primary stops them all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { until } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from './support/gateway-stack.js';

let g: GatewayStack;

/** Pids of a process's children (from /proc). */
function children(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => readStat(p)?.ppid === pid)
    .sort((a, b) => a - b);
}

/** ppid and user CPU ticks from /proc/<pid>/stat (the command name may hold spaces). */
function readStat(pid: number): { ppid: number; utime: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), utime: Number(fields[11]) };
  } catch {
    return null;
  }
}

async function searches(n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const res = await g.gateway('/indexes/lamps/search', {
      method: 'POST',
      body: JSON.stringify({ q: 'lamp', limit: 3 }),
    });
    if (res.status === 200) ok++;
  }
  return ok;
}

/** The search route's request count in a scrape, over every status. */
async function searchCount(): Promise<number> {
  const res = await g.gateway('/metrics', { key: g.stack.adminApiKey });
  expect(res.status).toBe(200);
  let total = 0;
  for (const line of (await res.text()).split('\n')) {
    if (
      line.startsWith('miroir_http_request_duration_seconds_count{') &&
      line.includes('route="/indexes/:indexUid/search"')
    ) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

beforeAll(async () => {
  g = await startGatewayStack({
    nodes: 2,
    replicationFactor: 1,
    shards: 4,
    env: { MIROIR_GATEWAY_WORKERS: '2' },
  });
  await g.waitWrite(await g.client.createIndex('lamps', { primaryKey: 'id' }));
  await g.waitWrite(
    await g.client
      .index('lamps')
      .addDocuments(Array.from({ length: 20 }, (_, i) => ({ id: i, title: `lamp ${i}` }))),
  );
}, 60_000);
afterAll(async () => {
  await g?.stop();
});

describe('gateway cluster mode', () => {
  it('announces once, with two workers sharing the port, each serving part of the load', async () => {
    expect(g.stack.gateway.listening.workers).toBe(2);
    const primary = g.stack.gateway.child.pid!;
    const workers = children(primary);
    expect(workers).toHaveLength(2);
    const before = workers.map((p) => readStat(p)!.utime);
    const counted = await searchCount();
    expect(await searches(200)).toBe(200);
    const after = workers.map((p) => readStat(p)!.utime);
    // Round-robin: both workers spent CPU on the searches.
    expect(after[0]! - before[0]!).toBeGreaterThan(0);
    expect(after[1]! - before[1]!).toBeGreaterThan(0);
    // Whichever worker answers the scrape counts both workers' requests.
    expect((await searchCount()) - counted).toBeGreaterThanOrEqual(200);
  }, 60_000);

  it('replaces a worker that dies, and keeps serving', async () => {
    const primary = g.stack.gateway.child.pid!;
    const [victim, survivor] = children(primary);
    process.kill(victim!, 'SIGKILL');
    const replaced = await until('a replacement worker', async () => {
      const now = children(primary);
      return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? now : null;
    });
    expect(replaced).toHaveLength(2);
    await until('searches through both workers', async () => (await searches(20)) === 20);
  }, 60_000);

  it('stops every worker when the primary is stopped', async () => {
    const primary = g.stack.gateway.child.pid!;
    const workers = children(primary);
    await g.stack.gateway.stop();
    for (const pid of workers) expect(readStat(pid)).toBeNull();
  }, 60_000);
});
