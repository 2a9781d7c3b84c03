import { randomBytes } from 'node:crypto';
import { EventBus, WriteLog } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient } from '#lib/node-client';
import { createRedisStore, type Store } from '#lib/store';

/** What a background service talks to: the store, the bus, the queues and the nodes. */
export interface ServiceConnections {
  store: Store;
  bus: EventBus;
  jobs: JobQueues;
  nodes: HttpNodeClient;
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

export async function connectService(
  config: MiroirConfig,
  service: string,
  options: { log?: boolean } = {},
): Promise<ServiceConnections> {
  const source = `${service}/${config.podId}`;
  const store = createRedisStore({ url: config.redisUrl, prefix: config.keyPrefix });
  const bus = await EventBus.connect({ url: config.natsUrl, source });
  return {
    store,
    bus,
    log: options.log ? await openWriteLog(config, source) : null,
    jobs: new JobQueues({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix }),
    nodes: new HttpNodeClient({ nodeKey: config.nodeKey, timeoutMs: config.nodeTimeoutMs }),
    instance: `${config.podId}.${process.pid}.${randomBytes(3).toString('hex')}`,
  };
}
