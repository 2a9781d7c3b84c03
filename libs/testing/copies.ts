import type { CheckRecord } from '#lib/store';
import type { Stack, StackNode } from './stack.js';

/** A value that passed an `if`. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Polls `check` until it is truthy (a throw counts as not yet); fails with `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A call to one node with the node key (never through Miroir). */
export async function nodeJson(
  stack: Stack,
  node: StackNode,
  path: string,
  init: RequestInit = {},
) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${stack.nodeKey}`);
  if (init.body !== undefined && !headers.has('content-type')) {
    headers.set('content-type', 'application/json');
  }
  const res = await fetch(`${node.url}${path}`, { ...init, headers });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    text,
  };
}

/** Every document a node holds for a node-side index (reserved fields included). */
export async function nodeDocuments(
  stack: Stack,
  node: StackNode,
  nodeUid: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { status, body } = await nodeJson(
      stack,
      node,
      `/indexes/${encodeURIComponent(nodeUid)}/documents?limit=1000&offset=${offset}`,
    );
    if (status === 404) return out;
    if (status !== 200) throw new Error(`${node.id}: documents answered ${status}`);
    const results = body!.results as Record<string, unknown>[];
    out.push(...results);
    if (results.length < 1000) return out;
  }
}

/** Freezes a node's process (SIGSTOP): it holds its connections and answers nothing. */
export function freeze(node: StackNode): void {
  node.process?.child.kill('SIGSTOP');
}

export function thaw(node: StackNode): void {
  node.process?.child.kill('SIGCONT');
}

/** An admin API call on a gateway (admin key). */
export async function admin(
  stack: Stack,
  path: string,
  init: RequestInit = {},
  gatewayUrl = stack.gatewayUrl,
) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${stack.adminApiKey}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`${gatewayUrl}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

/** Runs the copy checker (a rebalancer must run) and waits for its record. */
export async function checkCopies(
  stack: Stack,
  index: string,
  repair = false,
  timeoutMs = 60_000,
): Promise<CheckRecord> {
  const started = await admin(stack, repair ? '/_miroir/repair' : '/_miroir/verify', {
    method: 'POST',
    body: JSON.stringify({ index }),
  });
  if (started.status !== 202) throw new Error(`check not started: ${JSON.stringify(started)}`);
  const id = started.body!.id as string;
  return until(
    `check ${id} of ${index}`,
    async () => {
      const { body } = await admin(stack, `/_miroir/verify/${id}`);
      const record = body as unknown as CheckRecord;
      return record.status === 'succeeded' || record.status === 'failed' ? record : null;
    },
    timeoutMs,
    200,
  );
}
