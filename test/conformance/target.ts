/**
 * What a conformance case runs against: Miroir's gateway (3 emulator nodes, RF 2) or one emulator
 * node. Both are driven over plain HTTP with the master key, as an SDK would.
 */
import { builtApp, startProcess, type RunningProcess } from '#lib/testing';
import { startGatewayStack, type GatewayStack } from '../gateway/support/gateway-stack.js';

// Response bodies are asserted on with toEqual/toMatchObject: loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  body: Json;
  headers: Headers;
}

export interface Target {
  name: string;
  masterKey: string;
  /** An HTTP call; `key` null sends no Authorization header, a string sends that key. */
  call(method: string, path: string, body?: unknown, key?: string | null): Promise<Reply>;
  /** Polls a task until it is finished, and returns it. */
  task(uid: number): Promise<Json>;
  /** Deletes every index the case left behind. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function targetOver(
  name: string,
  url: string,
  masterKey: string,
  stop: () => Promise<void>,
): Target {
  const call = async (method: string, path: string, body?: unknown, key?: string | null) => {
    const headers = new Headers();
    const value = key === undefined ? masterKey : key;
    if (value !== null) headers.set('authorization', `Bearer ${value}`);
    if (body !== undefined) headers.set('content-type', 'application/json');
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: kept as text, which the case asserts on */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const task = async (uid: number) => {
    for (let i = 0; i < 3000; i++) {
      const { body } = await call('GET', `/tasks/${uid}`);
      if (['succeeded', 'failed', 'canceled'].includes(body?.status)) return body;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${name}: task ${uid} did not finish`);
  };
  return {
    name,
    masterKey,
    call,
    task,
    async reset() {
      const { body } = await call('GET', '/indexes?limit=1000');
      for (const index of body.results as { uid: string }[]) {
        await task((await call('DELETE', `/indexes/${index.uid}`)).body.taskUid);
      }
    },
    stop,
  };
}

export async function gatewayTarget(): Promise<Target> {
  const g: GatewayStack = await startGatewayStack({ nodes: 3, replicationFactor: 2, shards: 8 });
  return targetOver('gateway', g.stack.gatewayUrl, g.stack.masterKey, () => g.stop());
}

export async function emulatorTarget(): Promise<Target> {
  const masterKey = 'conformance-master-key';
  const node: RunningProcess = await startProcess(
    builtApp('meili-emulator'),
    ['--http-addr', '127.0.0.1:0', '--master-key', masterKey],
    {},
  );
  return targetOver('emulator', node.listening.url, masterKey, () => node.stop());
}
