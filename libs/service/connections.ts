import { randomBytes } from 'node:crypto';
import { EventBus } from '#lib/bus';
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
  /** Unique per process: two processes on one pod id still tell their leases and jobs apart. */
  instance: string;
}

export async function connectService(
  config: MiroirConfig,
  service: string,
): Promise<ServiceConnections> {
  const store = createRedisStore({ url: config.redisUrl, prefix: config.keyPrefix });
  const bus = await EventBus.connect({ url: config.natsUrl, source: `${service}/${config.podId}` });
  return {
    store,
    bus,
    jobs: new JobQueues({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix }),
    nodes: new HttpNodeClient({ nodeKey: config.nodeKey, timeoutMs: config.nodeTimeoutMs }),
    instance: `${config.podId}.${process.pid}.${randomBytes(3).toString('hex')}`,
  };
}
