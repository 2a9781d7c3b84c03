/**
 * One real Miroir stack per test file (emulator nodes, gateway, and the task-reconciler once it is
 * built), with the official JS client pointed at the gateway and a way to wait for writes that
 * works with or without the reconciler.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@jest/globals';
import { Meilisearch, type EnqueuedTask, type Task } from 'meilisearch';
import { REPO_ROOT, startStack, type Stack, type StackNode, type StackOptions } from '#lib/testing';

export interface GatewayStack {
  stack: Stack;
  /** The JS client with the master key. */
  client: Meilisearch;
  /** True when the task-reconciler runs, so Miroir task statuses move. */
  reconciled: boolean;
  /**
   * Waits until the write is applied: the client's waitForTask when the reconciler runs (returns
   * the final task), otherwise until every running node has finished its queue (returns null).
   */
  waitWrite(task: EnqueuedTask | number): Promise<Task | null>;
  /** A client-style fetch on the gateway (master key unless `key` is given; `null` = no header). */
  gateway(pathname: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  /** Calls a node directly with the node key. */
  node(node: StackNode, pathname: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

const RECONCILER = path.join(REPO_ROOT, 'dist', 'apps', 'task-reconciler', 'main.js');

/** Waits until every running node's task queue is idle. */
export async function waitNodesIdle(stack: Stack): Promise<void> {
  for (const node of stack.nodes) {
    if (!node.process) continue;
    const res = await fetch(`${node.url}/_emulator/tasks/idle?timeoutMs=60000`);
    if (res.status !== 200) throw new Error(`${node.id} did not become idle: ${res.status}`);
  }
}

export async function startGatewayStack(options: StackOptions = {}): Promise<GatewayStack> {
  const reconciled = existsSync(RECONCILER);
  const stack = await startStack({ reconciler: reconciled, ...options });
  const client = new Meilisearch({ host: stack.gatewayUrl, apiKey: stack.masterKey });
  const gateway = (pathname: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    const value = key === undefined ? stack.masterKey : key;
    if (value !== null && !headers.has('authorization'))
      headers.set('authorization', `Bearer ${value}`);
    if (rest.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return fetch(`${stack.gatewayUrl}${pathname}`, { ...rest, headers });
  };
  const node = (target: StackNode, pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${stack.nodeKey}`);
    if (init.body !== undefined && !headers.has('content-type'))
      headers.set('content-type', 'application/json');
    return fetch(`${target.url}${pathname}`, { ...init, headers });
  };
  return {
    stack,
    client,
    reconciled,
    async waitWrite(task) {
      const uid = typeof task === 'number' ? task : task.taskUid;
      if (reconciled) return client.tasks.waitForTask(uid, { timeout: 60_000, interval: 20 });
      await waitNodesIdle(stack);
      return null;
    },
    gateway,
    node,
    stop: () => stack.stop(),
  };
}

// Response bodies are asserted on with toEqual/toMatchObject: loosely typed on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A JSON body from a response, with the status, for exact error assertions. */
export async function jsonOf(res: Response): Promise<{ status: number; body: Json }> {
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** Meilisearch's error object for a code. */
export function meiliError(code: string, type = 'invalid_request') {
  return {
    message: expect.stringMatching(/./),
    code,
    type,
    link: `https://docs.meilisearch.com/errors#${code}`,
  };
}

/** Every `_miroir_*` key anywhere in a JSON value (paths), to prove none reaches a client. */
export function reservedPaths(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => reservedPaths(v, `${at}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(k.startsWith('_miroir') ? [`${at}.${k}`] : []),
      ...reservedPaths(v, `${at}.${k}`),
    ]);
  }
  return [];
}
