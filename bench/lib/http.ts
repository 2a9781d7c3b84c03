/** What the HTTP benchmarks share: a keep-alive client, waiting for emulator nodes, latencies. */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A keep-alive client for one base URL; a 4xx/5xx answer throws with its body. */
export function benchClient(url: string, key: string, connections: number) {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return {
    async call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: string) {
      const res = await pool.request({ method, path, headers, body });
      const text = await res.body.text();
      if (res.statusCode >= 400) throw new Error(`${method} ${path} → ${res.statusCode} ${text}`);
      return text;
    },
    close: () => pool.close(),
  };
}
export type BenchClient = ReturnType<typeof benchClient>;

/** Waits until every emulator node finished indexing. */
export async function waitIdle(nodeUrls: string[]): Promise<void> {
  for (const url of nodeUrls) {
    const res = await fetch(`${url}/_emulator/tasks/idle?timeoutMs=120000`);
    if (res.status !== 200) throw new Error(`${url} did not finish indexing`);
  }
}

/**
 * Sequential latencies of the same requests on every side, alternating sides so drift hits all
 * alike, after `warmup` untimed rounds; sorted per side.
 */
export async function latencies(
  sides: BenchClient[],
  path: string,
  bodies: string[],
  warmup: number,
): Promise<number[][]> {
  for (const body of bodies.slice(0, warmup))
    for (const c of sides) await c.call('POST', path, body);
  const out = sides.map(() => [] as number[]);
  for (const body of bodies) {
    for (const [i, c] of sides.entries()) {
      const t0 = performance.now();
      await c.call('POST', path, body);
      out[i]!.push(performance.now() - t0);
    }
  }
  return out.map((l) => l.sort((a, b) => a - b));
}
