// Task reconciler: how many Miroir tasks settle per second through the real processes (3 emulator
// nodes, RF 2, gateway, one reconciler), and how long after the last node finished its copy the
// Miroir task is announced settled on NATS.
import { pathToFileURL } from 'node:url';
import { Meilisearch } from 'meilisearch';
import { EventBus } from '#lib/bus';
import { startStack, testNatsUrl } from '#lib/testing';

const TASKS = 300;
const IN_FLIGHT = 16;
const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

export async function run(): Promise<Record<string, unknown>> {
  const stack = await startStack({ nodes: 3, replicationFactor: 2, shards: 8 });
  const bus = await EventBus.connect({ url: testNatsUrl(), source: 'bench/reconciler' });
  try {
    const client = new Meilisearch({ host: stack.gatewayUrl, apiKey: stack.masterKey });
    await client.createIndex('bench', { primaryKey: 'id' }).waitTask({ interval: 10 });
    const settledAt = new Map<number, { at: number; finishedAt: string | null; status: string }>();
    let resolveAll: () => void = () => undefined;
    const allSettled = new Promise<void>((r) => (resolveAll = r));
    const mine = new Set<number>();
    bus.subscribe('miroir.tasks.>', (event) => {
      const data = event.data as { uid: number; status: string; finishedAt: string | null };
      if (!TERMINAL.has(data.status) || settledAt.has(data.uid)) return;
      settledAt.set(data.uid, { at: Date.now(), finishedAt: data.finishedAt, status: data.status });
      if (mine.size === TASKS && [...mine].every((u) => settledAt.has(u))) resolveAll();
    });

    const started = Date.now();
    let nextDoc = 0;
    const worker = async () => {
      while (nextDoc < TASKS) {
        const i = nextDoc++;
        const docs = Array.from({ length: 10 }, (_, k) => ({ id: i * 10 + k, n: k }));
        mine.add((await client.index('bench').addDocuments(docs)).taskUid);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const submitted = Date.now();
    if ([...mine].every((u) => settledAt.has(u))) resolveAll();
    await Promise.race([
      allSettled,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('tasks did not settle in 120 s')), 120_000),
      ),
    ]);
    const loaded = [...mine];
    const last = Math.max(...loaded.map((u) => settledAt.get(u)!.at));
    const delays = loaded.flatMap((u) => {
      const s = settledAt.get(u)!;
      return s.finishedAt ? [s.at - Date.parse(s.finishedAt)] : [];
    });
    const failed = loaded.filter((u) => settledAt.get(u)!.status !== 'succeeded').length;

    // Unloaded: one task at a time, so the delay is the reconciler's alone (no node queue).
    const idleDelays: number[] = [];
    for (let i = 0; i < 40; i++) {
      const { taskUid } = await client.index('bench').addDocuments([{ id: `idle-${i}` }]);
      const task = await client.tasks.waitForTask(taskUid, { interval: 5 });
      await bus.flush();
      const seen = settledAt.get(taskUid);
      if (seen && task.finishedAt) idleDelays.push(seen.at - Date.parse(task.finishedAt));
    }
    return {
      'tasks (10 documents each, 16 in flight)': TASKS,
      'tasks settled per second (submit → last settled event)': Math.round(
        (TASKS * 1000) / (last - started),
      ),
      'submission rate through the gateway (tasks/s)': Math.round(
        (TASKS * 1000) / (submitted - started),
      ),
      'node completion → Miroir status event, median (ms)': Math.round(quantile(delays, 0.5)),
      'node completion → Miroir status event, p95 (ms)': Math.round(quantile(delays, 0.95)),
      'one task at a time: node completion → status event, median (ms)': Math.round(
        quantile(idleDelays, 0.5),
      ),
      'tasks not succeeded': failed,
    };
  } finally {
    await bus.close();
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
