/**
 * Fidelity harness: the same API scenarios run against a real Meilisearch (`MEILI_URL`,
 * `MEILI_MASTER_KEY`) or, when unset, against an in-process emulator. Scenarios never assume
 * existing tasks or uid values and never assert messages, dates, sizes or processing times.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect, it } from '@jest/globals';
import { errorLink, typeOf } from '#lib/errors';
import { startEmulator } from '../index.js';

export interface Target {
  url: string;
  masterKey: string;
  isEmulator: boolean;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string>;
}

const DEFAULT_MASTER_KEY = 'masterKey';

/** MEILI_URL (+ MEILI_MASTER_KEY) if set — failing loudly if unreachable — else an in-process emulator. */
export async function startTarget(): Promise<Target> {
  const external = process.env.MEILI_URL;
  if (!external) {
    const emulator = await startEmulator({ masterKey: DEFAULT_MASTER_KEY, name: 'fidelity' });
    return {
      url: emulator.url,
      masterKey: DEFAULT_MASTER_KEY,
      isEmulator: true,
      close: () => emulator.close(),
    };
  }
  const url = external.replace(/\/+$/, '');
  const masterKey = process.env.MEILI_MASTER_KEY ?? DEFAULT_MASTER_KEY;
  try {
    const health = await fetch(`${url}/health`);
    if (health.status !== 200) throw new Error(`GET /health answered ${health.status}`);
  } catch (cause) {
    throw new Error(
      `MEILI_URL=${url} is not reachable (${String(cause)}); start the node or unset MEILI_URL.`,
    );
  }
  const state = await fetch(`${url}/_emulator/state`).catch(() => undefined);
  return { url, masterKey, isEmulator: state?.status === 200, close: async () => undefined };
}

export interface RequestOptions {
  /** API key for this request: undefined = the Api's key, null = no Authorization header. */
  key?: string | null;
  /** undefined = application/json when there is a body, null = no Content-Type header. */
  contentType?: string | null;
  /** Sent verbatim instead of JSON-serialising `body`. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export class Api {
  private readonly key: string;

  constructor(
    readonly target: Target,
    key?: string,
  ) {
    this.key = key ?? target.masterKey;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.key : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    const serialised = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    // Bytes, so fetch adds no Content-Type of its own (it would for a string).
    const payload = typeof serialised === 'string' ? Buffer.from(serialised) : serialised;
    const contentType =
      options.contentType === undefined ? 'application/json' : options.contentType;
    if (payload !== undefined && contentType !== null) headers['content-type'] = contentType;
    const response = await fetch(`${this.target.url}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = text === '' ? undefined : text;
    try {
      if (text !== '') parsed = JSON.parse(text);
    } catch {
      // Non-JSON bodies (HTML from an injected fault, plain text) are returned as text.
    }
    return {
      status: response.status,
      body: parsed,
      headers: Object.fromEntries(response.headers.entries()),
    };
  }

  /** Polls GET /tasks/{uid} until the task is terminal and returns it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async waitTask(uid: number, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const reply = await this.request('GET', `/tasks/${uid}`);
      if (reply.status !== 200)
        throw new Error(
          `GET /tasks/${uid} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
        );
      if (['succeeded', 'failed', 'canceled'].includes(reply.body.status)) return reply.body;
      if (Date.now() > deadline)
        throw new Error(`task ${uid} still ${reply.body.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Creates an index with a random uid from the prefix, optional settings and documents; waits for all. */
  async createIndex(
    prefix: string,
    options: { primaryKey?: string; settings?: object; documents?: object[] } = {},
  ): Promise<string> {
    const uid = `${prefix}-${randomBytes(6).toString('hex')}`;
    await this.expectTask(
      this.request('POST', '/indexes', { uid, primaryKey: options.primaryKey }),
    );
    if (options.settings)
      await this.expectTask(this.request('PATCH', `/indexes/${uid}/settings`, options.settings));
    if (options.documents)
      await this.expectTask(this.request('POST', `/indexes/${uid}/documents`, options.documents));
    return uid;
  }

  async deleteIndex(uid: string): Promise<void> {
    const reply = await this.request('DELETE', `/indexes/${uid}`);
    if (reply.status === 202) await this.waitTask(reply.body.taskUid);
  }

  private async expectTask(pending: Promise<Reply>): Promise<void> {
    const reply = await pending;
    if (reply.status !== 202)
      throw new Error(`expected 202, got ${reply.status}: ${JSON.stringify(reply.body)}`);
    const task = await this.waitTask(reply.body.taskUid);
    if (task.status !== 'succeeded')
      throw new Error(`task ${task.uid} ${task.status}: ${JSON.stringify(task.error)}`);
  }
}

/** Asserts a Meilisearch error reply: status, code, type and link (never the message). */
export function expectError(reply: Reply, status: number, code: string, type?: string): void {
  expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
  expect(reply.body).toEqual({
    message: expect.any(String),
    code,
    type: type ?? typeOf(status),
    link: errorLink(code),
  });
}

/** A random index uid for scenarios that create the index themselves. */
export function randomUid(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

// ---- JSON report: one file per scenario file and target, written after the file's scenarios run.

interface ScenarioResult {
  scenario: string;
  result: 'passed' | 'failed';
  firstDifference?: string;
}

const results: ScenarioResult[] = [];
let reportHookRegistered = false;

/** Directory of the JSON reports (git-ignored tmp dir unless MIROIR_FIDELITY_REPORT_DIR is set). */
export function reportDir(): string {
  return process.env.MIROIR_FIDELITY_REPORT_DIR ?? join(tmpdir(), 'miroir-fidelity-reports');
}

/** `it` that also records the scenario's outcome in the file's JSON report. */
export function scenario(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
  if (!reportHookRegistered) {
    reportHookRegistered = true;
    afterAll(() => writeReport());
  }
  it(
    name,
    async () => {
      try {
        await fn();
        results.push({ scenario: name, result: 'passed' });
      } catch (error) {
        const firstDifference = String(error instanceof Error ? error.message : error)
          .split('\n')
          .slice(0, 12)
          .join('\n');
        results.push({ scenario: name, result: 'failed', firstDifference });
        throw error;
      }
    },
    timeoutMs,
  );
}

function writeReport(): void {
  const file = basename(expect.getState().testPath ?? 'fidelity', '.ts');
  const target = process.env.MEILI_URL
    ? new URL(process.env.MEILI_URL).host.replace(/[^\w.-]/g, '_')
    : 'emulator';
  const dir = reportDir();
  mkdirSync(dir, { recursive: true });
  const report = {
    target: process.env.MEILI_URL ?? 'in-process emulator',
    file,
    scenarios: results,
  };
  writeFileSync(join(dir, `${file}.${target}.json`), `${JSON.stringify(report, null, 2)}\n`);
}
