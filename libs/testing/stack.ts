import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtApp, startProcess, type RunningProcess } from './processes.js';
import { QUEUES, type QueueKey } from '#lib/contracts';
import { JobQueues } from '#lib/jobs';
import { purgeRedisStoreAt } from '#lib/store';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { testNatsUrl, testRedisUrl, uniquePrefix } from './services.js';

/** Removes a stack's write log streams from the shared test NATS. */
export async function deleteLogStreams(stream: string, natsUrl = testNatsUrl()): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of [stream, `${stream}_CHUNKS`])
      await jsm.streams.delete(name).catch(() => false);
  } finally {
    await nc.close();
  }
}

/** Leaves the shared test Redis as it was: the stack's state and its queues. */
async function purgeRedis(keyPrefix: string, redisUrl = testRedisUrl()): Promise<void> {
  const jobs = new JobQueues({ redisUrl, keyPrefix });
  for (const queue of Object.keys(QUEUES) as QueueKey[]) await jobs.obliterate(queue);
  await jobs.close();
  await purgeRedisStoreAt(redisUrl, keyPrefix);
}

export interface StackOptions {
  nodes?: number;
  /** Emulator nodes started but left out of the topology (to add with `POST /_miroir/nodes`). */
  spareNodes?: number;
  replicationFactor?: number;
  shards?: number;
  /** Start the task-reconciler too (default true when it is built). */
  reconciler?: boolean;
  /** Node-writer processes to start (default 1). */
  writers?: number;
  /** Start the rebalancer too (health probes, copy checks); default false. */
  rebalancer?: boolean;
  /** Start the key-rotator too (scoped search keys); default false. */
  keyRotator?: boolean;
  /** Gateway processes (default 1); `gatewayUrl` is the first one's. */
  gateways?: number;
  /** Redis and NATS of the test's own (drills that restart them); the shared ones otherwise. */
  redisUrl?: string;
  natsUrl?: string;
  masterKey?: string;
  adminApiKey?: string;
  /**
   * Miroir talks to nodes with an API key (`*` on `*`, created on every node with their master
   * key before the services start) instead of the master key: the node key can then rotate.
   */
  nodeApiKey?: boolean;
  /** Extra MIROIR_* variables for the services. */
  env?: Record<string, string>;
}

export interface StackNode {
  id: string;
  url: string;
  port: number;
  dbPath: string;
  process: RunningProcess | null;
  /** Kills the node (SIGKILL: no goodbye, as a crash). */
  kill(): Promise<void>;
  /** Starts it again on the same port with its data. */
  restart(): Promise<void>;
}

export interface Stack {
  readonly gatewayUrl: string;
  masterKey: string;
  adminApiKey: string;
  /** The nodes' master key (what tests inspect nodes with). */
  nodeKey: string;
  /** With `nodeApiKey`: the API key Miroir was started with, and its uid. */
  nodeApiKey: { uid: string; key: string } | null;
  keyPrefix: string;
  nodes: StackNode[];
  gateway: RunningProcess;
  gateways: RunningProcess[];
  reconcilers: RunningProcess[];
  rebalancers: RunningProcess[];
  keyRotators: RunningProcess[];
  writers: RunningProcess[];
  /** This stack's write log stream. */
  logStream: string;
  /** Environment the services run with (to start more of them). */
  env: Record<string, string>;
  startReconciler(): Promise<RunningProcess>;
  startWriter(): Promise<RunningProcess>;
  startGateway(): Promise<RunningProcess>;
  startRebalancer(): Promise<RunningProcess>;
  startKeyRotator(): Promise<RunningProcess>;
  stop(): Promise<void>;
}

/**
 * The real system on this machine: N emulator nodes, the gateway and the task-reconciler, each as
 * its own process (built entries in dist/), over the test Redis and NATS with a unique key prefix.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const count = options.nodes ?? 3;
  const masterKey = options.masterKey ?? 'test-master-key-0123456789';
  const adminApiKey = options.adminApiKey ?? 'test-admin-key-0123456789';
  const nodeKey = 'test-node-key-0123456789';
  const keyPrefix = uniquePrefix('stack');
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const natsUrl = options.natsUrl ?? testNatsUrl();
  const logStream = `LOG_${keyPrefix.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'miroir-stack-'));
  const emulator = builtApp('meili-emulator');

  const nodes: StackNode[] = [];
  const started: RunningProcess[] = [];
  try {
    for (let i = 0; i < count + (options.spareNodes ?? 0); i++) {
      const dbPath = path.join(dataDir, `node-${i}`);
      const proc = await startProcess(
        emulator,
        ['--http-addr', '127.0.0.1:0', '--master-key', nodeKey, '--db-path', dbPath],
        {},
      );
      started.push(proc);
      const port = Number(proc.listening.port);
      const node: StackNode = {
        id: `meili-${i}`,
        url: `http://127.0.0.1:${port}`,
        port,
        dbPath,
        process: proc,
        async kill() {
          await node.process?.stop('SIGKILL');
          node.process = null;
        },
        async restart() {
          node.process = await startProcess(
            emulator,
            ['--http-addr', `127.0.0.1:${port}`, '--master-key', nodeKey, '--db-path', dbPath],
            {},
          );
        },
      };
      nodes.push(node);
    }
    const nodeApiKey = options.nodeApiKey ? await createNodeApiKey(nodes, nodeKey) : null;
    const env: Record<string, string> = {
      MIROIR_HTTP_ADDR: '127.0.0.1:0',
      MIROIR_MASTER_KEY: masterKey,
      MIROIR_ADMIN_API_KEY: adminApiKey,
      MIROIR_NODE_KEY: nodeApiKey?.key ?? nodeKey,
      MIROIR_REDIS_URL: redisUrl,
      MIROIR_NATS_URL: natsUrl,
      MIROIR_KEY_PREFIX: keyPrefix,
      MIROIR_SHARDS: String(options.shards ?? 16),
      MIROIR_REPLICATION_FACTOR: String(options.replicationFactor ?? 2),
      MIROIR_NODES: JSON.stringify(
        nodes.slice(0, count).map((n) => ({ id: n.id, url: n.url, group: '0' })),
      ),
      MIROIR_NODE_TIMEOUT_MS: '2000',
      MIROIR_WRITER_LEASE_TTL_MS: '4000',
      MIROIR_LOG_STREAM: logStream,
      // JetStream reserves a stream's byte limit up front: many test stacks share one server.
      MIROIR_LOG_MAX_BYTES: String(64 * 1024 * 1024),
      ...options.env,
    };
    const gateways: RunningProcess[] = [];
    const startGateway = async () => {
      const proc = await startProcess(builtApp('gateway'), [], env);
      gateways.push(proc);
      started.push(proc);
      return proc;
    };
    for (let i = 0; i < (options.gateways ?? 1); i++) await startGateway();
    const gateway = gateways[0]!;
    const rebalancers: RunningProcess[] = [];
    const startRebalancer = async () => {
      const proc = await startProcess(builtApp('rebalancer'), [], {
        MIROIR_HEALTH_PROBE_INTERVAL_MS: '500',
        MIROIR_HEALTH_PROBE_TIMEOUT_MS: '400',
        MIROIR_REBALANCER_LEASE_TTL_MS: '3000',
        ...env,
      });
      rebalancers.push(proc);
      started.push(proc);
      return proc;
    };
    if (options.rebalancer) await startRebalancer();
    const keyRotators: RunningProcess[] = [];
    const startKeyRotator = async () => {
      const proc = await startProcess(builtApp('key-rotator'), [], env);
      keyRotators.push(proc);
      started.push(proc);
      return proc;
    };
    if (options.keyRotator) await startKeyRotator();
    const reconcilers: RunningProcess[] = [];
    const startReconciler = async () => {
      const proc = await startProcess(builtApp('task-reconciler'), [], env);
      reconcilers.push(proc);
      started.push(proc);
      return proc;
    };
    const writers: RunningProcess[] = [];
    const startWriter = async () => {
      const proc = await startProcess(builtApp('node-writer'), [], env);
      writers.push(proc);
      started.push(proc);
      return proc;
    };
    for (let i = 0; i < (options.writers ?? 1); i++) await startWriter();
    if (options.reconciler ?? true) await startReconciler();
    return {
      /** The first running gateway (a killed one is replaced by the next). */
      get gatewayUrl() {
        return (gateways[0] ?? gateway).listening.url;
      },
      masterKey,
      adminApiKey,
      nodeKey,
      nodeApiKey,
      keyPrefix,
      nodes,
      gateway,
      gateways,
      reconcilers,
      rebalancers,
      keyRotators,
      writers,
      logStream,
      env,
      startReconciler,
      startWriter,
      startGateway,
      startRebalancer,
      startKeyRotator,
      async stop() {
        await Promise.all(
          [...gateways, ...reconcilers, ...writers, ...rebalancers, ...keyRotators].map((p) =>
            p.stop(),
          ),
        );
        await Promise.all(nodes.map((n) => n.process?.stop()));
        rmSync(dataDir, { recursive: true, force: true });
        await purgeRedis(keyPrefix, redisUrl).catch(() => undefined);
        await deleteLogStreams(logStream, natsUrl).catch(() => undefined);
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
    await deleteLogStreams(logStream, natsUrl).catch(() => undefined);
    throw err;
  }
}

/** The same API key on every node (one uid, one master key, so one value), as an operator makes it. */
async function createNodeApiKey(
  nodes: StackNode[],
  masterKey: string,
): Promise<{ uid: string; key: string }> {
  const uid = randomUUID();
  const values = await Promise.all(
    nodes.map(async (n) => {
      const res = await fetch(`${n.url}/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          uid,
          name: 'miroir',
          actions: ['*'],
          indexes: ['*'],
          expiresAt: null,
        }),
      });
      if (res.status !== 201) throw new Error(`${n.id}: POST /keys answered ${res.status}`);
      return ((await res.json()) as { key: string }).key;
    }),
  );
  return { uid, key: values[0]! };
}
