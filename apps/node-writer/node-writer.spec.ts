import { afterEach, describe, expect, it } from '@jest/globals';
import type { LogMessage } from '#lib/bus';
import type { LogHeader } from '#lib/contracts';
import type { ErrorObject } from '#lib/errors';
import {
  NodeApiError,
  NodeTimeoutError,
  RecordingNodeClient,
  type NodeTask,
  type RecordedCall,
} from '#lib/node-client';
import { targetPlacement, VERSION_FIELD, versionTag } from '#lib/routing';
import { freshWriterStatus } from '#lib/replication';
import { createMemoryStore, type Store } from '#lib/store';
import { NodeWriter, type NodeWriterDeps } from './node-writer.js';

const NODE = 'n0';
const index = { uid: 'movies', nodeUid: 'movies' };
const task = {
  type: 'documentAdditionOrUpdate',
  indexUid: 'movies',
  details: null,
  enqueuedAt: '2030-01-01T00:00:00.000Z',
};

/** A log that hands out the messages appended to it, in order, from any position. */
class FakeLog {
  readonly messages: LogMessage[] = [];
  private waiters: (() => void)[] = [];

  append(header: LogHeader, body = Buffer.alloc(0)): number {
    const seq = (this.messages[this.messages.length - 1]?.seq ?? 0) + 1;
    this.messages.push({ seq, subject: 'log', time: Date.now(), header, body, size: body.length });
    for (const w of this.waiters.splice(0)) w();
    return seq;
  }

  /** Drops the first `n` messages, as the log's limits would. */
  expire(n: number): void {
    this.messages.splice(0, n);
  }

  async follow(fromSeq: number) {
    let closed = false;
    const pending = () => this.messages.filter((m) => m.seq >= at);
    let at = fromSeq;
    return {
      next: async (): Promise<LogMessage | null> => {
        for (;;) {
          if (closed) return null;
          const m = pending()[0];
          if (m) {
            at = m.seq + 1;
            return m;
          }
          await new Promise<void>((r) => {
            this.waiters.push(r);
            setTimeout(r, 20);
          });
        }
      },
      get available() {
        return pending().length;
      },
      close: () => {
        closed = true;
      },
    };
  }

  async state() {
    return {
      firstSeq: this.messages[0]?.seq ?? 0,
      lastSeq: this.messages.at(-1)?.seq ?? 0,
      messages: 0,
      bytes: 0,
      lastTime: 0,
    };
  }
}

/** A node that registers every write as a task and finishes them when told. */
class FakeNode {
  readonly tasks: NodeTask[] = [];
  constructor(readonly client: RecordingNodeClient) {
    for (const op of [
      'addDocuments',
      'deleteDocuments',
      'deleteAllDocuments',
      'updateSettings',
      'createIndex',
      'deleteIndex',
      'deleteDocumentsByFilter',
    ]) {
      client.when(op, NODE).respond((call) => this.register(call));
    }
    client.when('listTasks', NODE).respond((call) => {
      const uids = call.options.query?.uids as number[] | undefined;
      const results = uids
        ? this.tasks.filter((t) => uids.includes(t.uid))
        : [...this.tasks].reverse();
      return { results, total: results.length, limit: 100, from: null, next: null };
    });
  }

  register(call: RecordedCall, type = 'documentAdditionOrUpdate'): { taskUid: number } {
    const uid = this.tasks.length;
    const types: Record<string, string> = {
      addDocuments: 'documentAdditionOrUpdate',
      deleteDocuments: 'documentDeletion',
      deleteAllDocuments: 'documentDeletion',
      deleteDocumentsByFilter: 'documentDeletion',
      updateSettings: 'settingsUpdate',
      createIndex: 'settingsUpdate',
      deleteIndex: 'indexDeletion',
    };
    this.tasks.push({
      uid,
      batchUid: null,
      indexUid: 'movies',
      status: 'enqueued',
      type: types[call.op] ?? type,
      canceledBy: null,
      details: { body: call.options.rawBody ?? call.options.body ?? null },
      error: null,
      duration: null,
      enqueuedAt: '',
      startedAt: null,
      finishedAt: null,
      customMetadata: (call.options.query?.customMetadata as string | undefined) ?? null,
    });
    return { taskUid: uid };
  }

  finishAll(status: NodeTask['status'] = 'succeeded', error: NodeTask['error'] = null): void {
    for (const t of this.tasks) {
      if (t.status === 'enqueued') Object.assign(t, { status, error });
    }
  }
}

interface Rig {
  store: Store;
  log: FakeLog;
  client: RecordingNodeClient;
  node: FakeNode;
  writer: NodeWriter;
  events: string[];
  run: Promise<void>;
  abort: AbortController;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    r.abort.abort();
    await r.run.catch(() => undefined);
  }
});

async function rig(over: Partial<NodeWriterDeps> = {}): Promise<Rig> {
  const store = createMemoryStore();
  const log = new FakeLog();
  const client = new RecordingNodeClient();
  const node = new FakeNode(client);
  const placement = targetPlacement(
    { nodes: [{ id: NODE, url: '', group: '0', state: 'active' }], replicationFactor: 1, epoch: 1 },
    4,
  );
  await store.topology.commit(
    { placements: { movies: { shards: 4, groups: placement.groups } } },
    0,
  );
  const lease = (await store.leases.acquire(`writer:${NODE}`, 'me', 600_000))!;
  const events: string[] = [];
  const writer = new NodeWriter({
    nodeId: NODE,
    store,
    log: log as unknown as NodeWriterDeps['log'],
    nodes: client,
    bus: {
      publish: (type, data) => (events.push(`${type} ${JSON.stringify(data)}`), undefined as never),
    },
    logger: () => undefined,
    limits: {
      batchBytes: 1 << 20,
      requestTimeoutMs: 1000,
      maxInflight: 8,
      maxReadLagMs: 5000,
      logMaxAgeMs: 3_600_000,
      unreachableAfterMs: 1000,
    },
    fence: () => ({ scope: lease.scope, token: lease.token }),
    leaseLeftMs: () => 600_000,
    holder: 'me',
    settleMs: 10,
    ...over,
  });
  const abort = new AbortController();
  const r: Rig = { store, log, client, node, writer, events, abort, run: Promise.resolve() };
  rigs.push(r);
  return r;
}

function start(r: Rig): void {
  r.run = r.writer.run(r.abort.signal);
}

function docs(r: Rig, ...ids: string[]): number {
  const body = Buffer.from(ids.map((id) => `{"id":"${id}"}\n`).join(''));
  // Every document in shard 0 of a one-node cluster.
  return r.log.append(
    {
      v: 1,
      task,
      op: {
        kind: 'documents',
        index,
        method: 'replace',
        primaryKey: 'id',
        parts: [{ shard: 0, bytes: body.length, count: ids.length }],
      },
    },
    body,
  );
}

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const writes = (r: Rig) => r.client.log.filter((l) => !l.startsWith('listTasks'));

describe('NodeWriter', () => {
  it('sends messages in log order, coalesced, and advances the applied position when tasks finish', async () => {
    const r = await rig();
    docs(r, 'a');
    docs(r, 'b', 'c');
    start(r);
    await until(() => r.node.tasks.length === 1);
    expect(writes(r)).toEqual([
      'addDocuments n0 bytes=' + Buffer.byteLength(r.node.tasks[0]!.details!.body as string),
    ]);
    expect(r.node.tasks[0]!.customMetadata).toBe('miroir:1-2');
    expect((await r.store.writers.get(NODE))?.appliedSeq).toBe(0);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === 2);
    expect(await r.store.writers.outcomes(1)).toEqual({
      n0: { status: 'succeeded', nodeTaskUid: 0 },
    });
    const third = docs(r, 'd');
    await until(() => r.node.tasks.length === 2);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === third);
  });

  it('splits a refused combined request and records the refused part as failed', async () => {
    const r = await rig();
    docs(r, 'a');
    docs(r, 'bad');
    docs(r, 'c');
    const refusal: ErrorObject = {
      message: 'bad document',
      code: 'invalid_document_fields',
      type: 'invalid_request',
      link: 'x',
    };
    r.client.when('addDocuments', NODE).respond((call) => {
      if (String(call.options.rawBody).includes('"bad"'))
        throw new NodeApiError(NODE, 'addDocuments', 400, refusal);
      return r.node.register(call);
    });
    start(r);
    await until(() => r.node.tasks.length === 2);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === 3);
    expect(r.node.tasks.map((t) => t.customMetadata)).toEqual(['miroir:1-1', 'miroir:3-3']);
    expect(await r.store.writers.outcomes(1)).toEqual({
      n0: { status: 'failed', nodeTaskUid: null, error: refusal },
    });
    expect((await r.store.writers.get(NODE))?.refusedParts).toBe(1);
  });

  it('retries a transient failure in place: nothing later is sent before it', async () => {
    const r = await rig();
    docs(r, 'a');
    let failures = 2;
    r.client.when('addDocuments', NODE).respond((call) => {
      if (failures-- > 0)
        throw new NodeApiError(NODE, 'addDocuments', 500, {
          message: 'x',
          code: 'internal',
          type: 'internal',
          link: 'x',
        });
      return r.node.register(call);
    });
    start(r);
    await until(() => r.node.tasks.length === 1);
    docs(r, 'b');
    await until(() => r.node.tasks.length === 2);
    expect(r.node.tasks.map((t) => t.customMetadata)).toEqual(['miroir:1-1', 'miroir:2-2']);
    expect((await r.store.writers.get(NODE))?.retries).toBeGreaterThanOrEqual(2);
  });

  it('after a timeout, finds the request the node registered anyway instead of sending it twice', async () => {
    const r = await rig();
    docs(r, 'a');
    let first = true;
    r.client.when('addDocuments', NODE).respond((call) => {
      r.node.register(call);
      if (first) {
        first = false;
        throw new NodeTimeoutError(NODE, 'addDocuments', 1000);
      }
      return { taskUid: r.node.tasks.length - 1 };
    });
    start(r);
    await until(async () => (await r.store.writers.get(NODE))?.sentSeq === 1);
    expect(r.node.tasks).toHaveLength(1);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === 1);
  });

  it('marks the copy stale when the log dropped messages it never applied', async () => {
    const r = await rig();
    docs(r, 'a');
    docs(r, 'b');
    r.log.expire(1);
    start(r);
    await until(async () => (await r.store.writers.get(NODE))?.state === 'stale');
    expect(r.node.tasks).toHaveLength(0);
    expect(r.events.some((e) => e.startsWith('nodes.copy') && e.includes('"to":"stale"'))).toBe(
      true,
    );
  });

  it('marks the copy stale when a request registers out of order', async () => {
    const r = await rig();
    docs(r, 'a');
    start(r);
    await until(() => r.node.tasks.length === 1);
    // A late request the writer never saw an answer for (an older range) lands after it.
    r.node.register({
      op: 'addDocuments',
      nodeId: NODE,
      method: 'POST',
      path: '',
      options: { query: { customMetadata: 'miroir:0-0' } },
      line: '',
    });
    await until(async () => (await r.store.writers.get(NODE))?.state === 'stale', 8000);
  });

  it('ignores writes to the node that did not come from Miroir', async () => {
    const r = await rig();
    docs(r, 'a');
    start(r);
    await until(() => r.node.tasks.length === 1);
    // Someone writes to the node around Miroir (no Miroir range in its metadata).
    r.node.register({
      op: 'addDocuments',
      nodeId: NODE,
      method: 'POST',
      path: '',
      options: {},
      line: '',
    });
    docs(r, 'b');
    await until(() => r.node.tasks.length === 3);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === 2, 8000);
    expect((await r.store.writers.get(NODE))?.state).toBe('caught-up');
  });

  it('skips a task canceled before it started, on this copy as on every other', async () => {
    const r = await rig();
    const seq = docs(r, 'a');
    await r.store.writers.cancel([seq - 1], 99);
    docs(r, 'b');
    start(r);
    await until(() => r.node.tasks.length === 1);
    expect(r.node.tasks[0]!.customMetadata).toBe('miroir:1-2');
    expect(String(r.node.tasks[0]!.details!.body)).not.toContain('"a"');
  });
});

/** Shard moves seen by one writer (operations.md, replication.md "migrations on the log"). */
describe('NodeWriter during a shard move', () => {
  /** Shard 1 of the rig's index: owned by `m1`, being filled on this node from position 0. */
  async function filling(r: Rig): Promise<void> {
    const placement = (await r.store.topology.getPlacement('movies'))!;
    const group = [...placement.groups['0']!];
    group[1] = { owners: ['m1'], incoming: [NODE], since: { [NODE]: 0 } };
    const { epoch: _e, ...rest } = placement;
    await r.store.topology.commit(
      { placements: { movies: { ...rest, groups: { '0': group } } } },
      await r.store.topology.epoch(),
    );
  }

  it('applies a partial update to a copy being filled only for the documents it already holds', async () => {
    const r = await rig();
    await filling(r);
    const fetched: unknown[] = [];
    r.client.when('fetchDocuments', NODE).respond((call) => {
      fetched.push(call.options.body);
      return { results: [{ id: 'held', [VERSION_FIELD]: versionTag(1) }], total: 1 };
    });
    const body = Buffer.from('{"id":"held","title":"x"}\n{"id":"missing","title":"y"}\n');
    r.log.append(
      {
        v: 1,
        task,
        op: {
          kind: 'documents',
          index,
          method: 'update',
          primaryKey: 'id',
          parts: [{ shard: 1, bytes: body.length, count: 2 }],
        },
      },
      body,
    );
    start(r);
    await until(() => r.node.tasks.length === 1);
    const sent = String(r.node.tasks[0]!.details!.body);
    expect(sent).toContain('"held"');
    // Written to a copy that lacks it, a partial update would leave a cut-down document with the
    // source's version: the move's copy brings it whole instead.
    expect(sent).not.toContain('"missing"');
    expect(fetched).toEqual([
      { ids: ['held', 'missing'], fields: ['id', VERSION_FIELD], limit: 2 },
    ]);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === 1);
  });

  it('decides consecutive guarded updates together: one look at the node, one request, in log order', async () => {
    const r = await rig();
    await filling(r);
    const fetched: unknown[] = [];
    r.client.when('fetchDocuments', NODE).respond((call) => {
      fetched.push(call.options.body);
      return { results: [{ id: 'held', [VERSION_FIELD]: versionTag(1) }], total: 1 };
    });
    const update = (lines: string) => {
      const body = Buffer.from(lines);
      return r.log.append(
        {
          v: 1,
          task,
          op: {
            kind: 'documents',
            index,
            method: 'update',
            primaryKey: 'id',
            parts: [{ shard: 1, bytes: body.length, count: lines.split('\n').length - 1 }],
          },
        },
        body,
      );
    };
    update('{"id":"held","title":"first"}\n{"id":"missing","title":"x"}\n');
    const last = update('{"id":"held","title":"second"}\n');
    start(r);
    await until(() => r.node.tasks.length === 1);
    const sent = String(r.node.tasks[0]!.details!.body);
    expect(sent.indexOf('"first"')).toBeLessThan(sent.indexOf('"second"'));
    expect(sent).not.toContain('"missing"');
    expect(fetched).toHaveLength(1);
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === last);
    expect(r.node.tasks).toHaveLength(1);
  });

  it('commits a placement step to the store before moving past it', async () => {
    const r = await rig();
    const seq = r.log.append({
      v: 1,
      task: { ...task, type: 'miroirShardMove' },
      op: {
        kind: 'placement',
        index,
        change: { shard: 2, group: '0', step: 'incoming', node: 'm9', displaced: null },
      },
    });
    start(r);
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === seq);
    const copies = (await r.store.topology.getPlacement('movies'))!.groups['0']![2]!;
    expect(copies).toMatchObject({ incoming: ['m9'], since: { m9: seq }, at: seq });
  });

  it('ends a repair for an index the node does not have, writing nothing (a write would create it bare)', async () => {
    const r = await rig();
    r.client.when('fetchDocuments', NODE).respond(() => {
      throw new NodeApiError(NODE, 'fetchDocuments', 404, {
        message: 'Index `movies` not found.',
        code: 'index_not_found',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors#index_not_found',
      });
    });
    const body = Buffer.from('{"id":"a"}\n');
    const seq = r.log.append(
      {
        v: 1,
        task,
        op: {
          kind: 'repair',
          index,
          primaryKey: 'id',
          nodes: [{ nodeId: NODE, bytes: body.length, count: 1, removals: [] }],
        },
      },
      body,
    );
    start(r);
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === seq);
    expect(r.node.tasks).toEqual([]);
  });

  it("a move's repair of content differences replaces a copy holding the same version (created cut down by a partial update); another repair does not", async () => {
    const r = await rig();
    // The copy holds `a` at version 5, as its source does, but cut down (title only).
    r.client.when('fetchDocuments', NODE).respond(() => ({
      results: [{ id: 'a', [VERSION_FIELD]: versionTag(5) }],
      total: 1,
    }));
    const whole = `{"id":"a","title":"t","genre":"g","${VERSION_FIELD}":"${versionTag(5)}"}\n`;
    const repair = (migration?: string) =>
      r.log.append(
        {
          v: 1,
          task,
          op: {
            kind: 'repair',
            index,
            primaryKey: 'id',
            ...(migration ? { migration, overEqual: true } : {}),
            nodes: [{ nodeId: NODE, bytes: whole.length, count: 1, removals: [] }],
          },
        },
        Buffer.from(whole),
      );
    const checker = repair();
    const move = repair('movies.0.1.n0');
    start(r);
    await until(() => r.node.tasks.length === 1);
    // Only the move's repair reached the node (the checker's leaves an equal version alone).
    expect(r.node.tasks[0]!.customMetadata).toBe(`miroir:${move}-${move}`);
    expect(String(r.node.tasks[0]!.details!.body)).toContain('"genre":"g"');
    r.node.finishAll();
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === move);
    expect(r.node.tasks).toHaveLength(1);
    expect(checker).toBeLessThan(move);
  });

  it("a writer started past the log's beginning waits until a trusted writer passed its start before it commits steps", async () => {
    const r = await rig();
    // Added at position 2: the steps up to it are the older writers' to commit.
    await r.store.writers.put(freshWriterStatus(NODE, Date.now(), 2));
    const older = freshWriterStatus('old', Date.now(), 0);
    await r.store.writers.put(older);
    r.log.append({ v: 1, task, op: { kind: 'none' } } as LogHeader);
    r.log.append({ v: 1, task, op: { kind: 'none' } } as LogHeader);
    const step = r.log.append({
      v: 1,
      task: { ...task, type: 'miroirShardMove' },
      op: {
        kind: 'placement',
        index,
        change: { shard: 2, group: '0', step: 'incoming', node: 'm9', displaced: null },
      },
    });
    start(r);
    await new Promise((res) => setTimeout(res, 300));
    expect((await r.store.writers.get(NODE))?.trusted).toBe(false);
    expect((await r.store.topology.getPlacement('movies'))!.groups['0']![2]!.incoming).toEqual([]);
    await r.store.writers.put({ ...older, sentSeq: 1, appliedSeq: 1, updatedAt: Date.now() });
    await until(async () => (await r.store.writers.get(NODE))?.appliedSeq === step);
    expect((await r.store.writers.get(NODE))?.trusted).toBe(true);
    expect((await r.store.topology.getPlacement('movies'))!.groups['0']![2]!.incoming).toEqual([
      'm9',
    ]);
  });
});
