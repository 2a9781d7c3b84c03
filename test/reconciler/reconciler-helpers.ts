import { EventBus } from '#lib/bus';
import type { EventEnvelope } from '#lib/contracts';
import { builtApp, startProcess, testNatsUrl, type RunningProcess } from '#lib/testing';

/** A node's admin API (no key needed). */
export async function emulatorAdmin(
  nodeUrl: string,
  path: string,
  method: 'POST' | 'PATCH' = 'POST',
  body?: unknown,
): Promise<void> {
  const res = await fetch(`${nodeUrl}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok)
    throw new Error(`${method} ${path} on ${nodeUrl}: ${res.status} ${await res.text()}`);
}

/** One plain emulator node: the "one Meilisearch" Miroir is compared with. */
export async function startReferenceNode(): Promise<{ url: string; process: RunningProcess }> {
  const proc = await startProcess(builtApp('meili-emulator'), ['--http-addr', '127.0.0.1:0'], {});
  return { url: proc.listening.url, process: proc };
}

export interface SeenStatus {
  uid: number;
  status: string;
  data: Record<string, unknown>;
}

/** Every `miroir.tasks.>` event of this test's tasks, as a subscriber sees them. */
export async function watchTaskEvents(): Promise<{
  seen: SeenStatus[];
  close: () => Promise<void>;
}> {
  const bus = await EventBus.connect({ url: testNatsUrl(), source: 'test/reconciler' });
  const seen: SeenStatus[] = [];
  const stop = bus.subscribe('miroir.tasks.>', (event: EventEnvelope) => {
    const data = event.data as Record<string, unknown>;
    seen.push({ uid: Number(data.uid), status: String(data.status), data });
  });
  return {
    seen,
    close: async () => {
      stop();
      await bus.close();
    },
  };
}

/** The test kit's deadline poll (libs/testing). */
export { until } from '#lib/testing';
