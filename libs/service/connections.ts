import { randomBytes } from 'node:crypto';
import { EventBus, WriteLog } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { subjects } from '#lib/contracts';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient } from '#lib/node-client';
import { createRedisStore, type Store } from '#lib/store';
import type { Log } from './log.js';
import { NodeKeyFollower } from './node-key-follower.js';

/** What a background service talks to: the store, the bus, the queues and the nodes. */
export interface ServiceConnections {
  store: Store;
  bus: EventBus;
  jobs: JobQueues;
  nodes: HttpNodeClient;
  /** Keeps `nodes` on the current node key and beacons it (null for a service that calls no node). */
  nodeKey: NodeKeyFollower | null;
  /** The write log, for services that read or append it. */
  log: WriteLog | null;
  /** Unique per process: two processes on one pod id still tell their leases and jobs apart. */
  instance: string;
}

/** The write log of a cluster's configuration. */
export function openWriteLog(config: MiroirConfig, source: string): Promise<WriteLog> {
  return WriteLog.open({
    url: config.natsUrl,
    source,
    stream: config.log.stream,
    maxAgeMs: config.log.maxAgeMs,
    maxBytes: config.log.maxBytes,
    replicas: config.log.replicas,
  });
}

/**
 * Connects a service. `logger` given = the service calls nodes: its node client follows the node
 * key's rotation from before its first call.
 */
export async function connectService(
  config: MiroirConfig,
  service: string,
  options: { log?: boolean; logger?: Log; longestCallMs?: number } = {},
): Promise<ServiceConnections> {
  const source = `${service}/${config.podId}`;
  const store = createRedisStore({ url: config.redisUrl, prefix: config.keyPrefix });
  const bus = await EventBus.connect({ url: config.natsUrl, source });
  const nodes = new HttpNodeClient({ nodeKey: config.nodeKey, timeoutMs: config.nodeTimeoutMs });
  const instance = `${config.podId}.${process.pid}.${randomBytes(3).toString('hex')}`;
  const nodeKey = options.logger
    ? await followNodeKey(
        config,
        store,
        bus,
        nodes,
        instance,
        options.logger,
        options.longestCallMs,
      )
    : null;
  return {
    store,
    bus,
    log: options.log ? await openWriteLog(config, source) : null,
    jobs: new JobQueues({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix }),
    nodes,
    nodeKey,
    instance,
  };
}

/** Starts a node-key follower, reloading at once on every rotation event and on a timer as a net. */
export async function followNodeKey(
  config: MiroirConfig,
  store: Store,
  bus: EventBus,
  nodes: HttpNodeClient,
  instance: string,
  log: Log,
  longestCallMs = config.nodeTimeoutMs,
): Promise<NodeKeyFollower> {
  const follower = new NodeKeyFollower({
    store,
    nodes,
    bootstrapKey: config.nodeKey,
    instance,
    beaconTtlMs: config.scopedKeys.beaconTtlMs,
    longestCallMs,
    log,
    onRotation: (reload) => bus.subscribe(subjects.nodeKeyRotated(), reload),
  });
  await follower.start();
  return follower;
}
