import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { QUEUES, validateJob, type JobData, type QueueKey } from '#lib/contracts';

export interface JobQueuesOptions {
  redisUrl: string;
  /** Miroir's key prefix (e.g. `miroir:`); BullMQ keys live under `<prefix>bull`. */
  keyPrefix: string;
}

export interface WorkerOptions {
  concurrency?: number;
  /** Called when a job's payload does not fit its queue's schema (the job then fails). */
  onInvalid?: (jobId: string | undefined, error: string) => void;
  /**
   * How long a job stays locked without a renewal (renewed every half of it), and how often lapsed
   * locks are looked for: a worker killed mid-job has its jobs taken over within about the sum.
   * BullMQ's defaults are 30 s each.
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export type JobHandler<Q extends QueueKey> = (data: JobData<Q>, job: Job) => Promise<void>;

/** ioredis options from a redis:// URL (BullMQ opens its own connections from them). */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis; BullMQ requires unlimited retries per request for them.
    maxRetriesPerRequest: null,
  };
}

/**
 * The BullMQ queues of state.md. Job ids derive from the payload (contracts), so enqueueing the
 * same work twice is a no-op; jobs retry with exponential backoff. The only module that imports
 * `bullmq`.
 */
export class JobQueues {
  private readonly queues = new Map<QueueKey, Queue>();
  private readonly workers: Worker[] = [];
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;

  constructor(options: JobQueuesOptions) {
    this.connection = redisConnection(options.redisUrl);
    this.prefix = `${options.keyPrefix}bull`;
  }

  private queue(key: QueueKey): Queue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = new Queue(QUEUES[key].name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(key, queue);
    }
    return queue;
  }

  async enqueue<Q extends QueueKey>(key: Q, data: JobData<Q>): Promise<string> {
    const spec = QUEUES[key];
    const parsed = spec.schema.parse(data) as JobData<Q>;
    const jobId = (spec.jobId as (d: JobData<Q>) => string)(parsed);
    await this.queue(key).add(spec.name, parsed, {
      jobId,
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      // Finished jobs are kept a while so a duplicate enqueue stays a no-op; failed ones stay a
      // week for inspection and `requeue`.
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return jobId;
  }

  /**
   * Enqueues, or runs again a job of the same id that already finished (failed after its last
   * attempt, or completed): for sweeps that find work still undone.
   */
  async requeue<Q extends QueueKey>(key: Q, data: JobData<Q>): Promise<string> {
    const jobId = await this.enqueue(key, data);
    const job = await this.queue(key).getJob(jobId);
    const state = await job?.getState();
    if (job && (state === 'failed' || state === 'completed')) await job.retry(state);
    return jobId;
  }

  /** Starts a worker; payloads are validated at the edge before the handler sees them. */
  work<Q extends QueueKey>(key: Q, handler: JobHandler<Q>, options: WorkerOptions = {}): Worker {
    const worker = new Worker(
      QUEUES[key].name,
      async (job) => {
        const checked = validateJob(key, job.data);
        if (!checked.ok) {
          options.onInvalid?.(job.id, checked.error);
          throw new Error(`invalid ${QUEUES[key].name} job: ${checked.error}`);
        }
        await handler(checked.data, job);
      },
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: options.concurrency ?? 1,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
      },
    );
    this.workers.push(worker);
    return worker;
  }

  /** Job counts by state, for readiness and metrics. */
  async counts(key: QueueKey): Promise<Record<string, number>> {
    return this.queue(key).getJobCounts();
  }

  /** Removes the queue's data (tests). */
  async obliterate(key: QueueKey): Promise<void> {
    await this.queue(key).obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
