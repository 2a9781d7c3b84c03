import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  createEvent,
  EVENTS_STREAM,
  SUBJECT_WILDCARD,
  validateEvent,
  type EventData,
  type EventEnvelope,
  type EventType,
} from '#lib/contracts';

export interface BusOptions {
  url: string;
  /** `<service>/<pod>`: the envelope's `source` and the NATS connection name. */
  source: string;
  /** How long the stream keeps events (default 7 days) and how much (default 1 GiB). */
  retentionMs?: number;
  maxBytes?: number;
}

export type EventHandler = (event: EventEnvelope, subject: string) => void | Promise<void>;

const NANOS_PER_MS = 1_000_000;

/** An event waiting for JetStream's acknowledgement. */
interface Outgoing {
  subject: string;
  id: string;
  payload: string;
}

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * Miroir's event bus on NATS: publishes enveloped events into the `MIROIR_EVENTS` JetStream stream
 * with acknowledgement, retrying each one until the stream accepted it (NATS down for a while loses
 * nothing while the process lives; `flush()` waits until everything published was accepted, so a
 * caller that must not lose an event across a crash confirms it before moving on), and delivers
 * validated events to live subscribers. Events carry their id as the JetStream message id, so a
 * re-announced event within the stream's de-duplication window is stored once. The only module
 * besides the write log that imports `@nats-io/*`.
 */
export class EventBus {
  private readonly queue: Outgoing[] = [];
  private sending: Promise<void> | null = null;
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly source: string,
  ) {}

  static async connect(options: BusOptions): Promise<EventBus> {
    const nc = await connect({
      servers: options.url,
      name: options.source,
      maxReconnectAttempts: -1,
    });
    await ensureStream(nc, options);
    return new EventBus(nc, jetstream(nc), options.source);
  }

  /**
   * Publishes one event: validated and enveloped now, accepted by the stream soon (in order, retried
   * until it is). `id` makes a re-announcement of the same fact de-duplicate.
   */
  publish<T extends EventType>(type: T, data: EventData<T>, id?: string): EventEnvelope<T> {
    const { subject, event } = createEvent(type, data, { source: this.source, id });
    this.queue.push({ subject, id: event.id, payload: JSON.stringify(event) });
    this.sending ??= this.drain().finally(() => {
      this.sending = null;
      if (this.queue.length > 0 && !this.closed) this.sending = this.drain();
    });
    return event;
  }

  /** Events not yet accepted by the stream. */
  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    let delay = RETRY_FIRST_MS;
    while (this.queue.length > 0 && !this.closed) {
      // Publishes go out in order on one connection; their acknowledgements come back in order.
      const batch = this.queue.slice(0, 256);
      const results = await Promise.allSettled(
        batch.map((e) => this.js.publish(e.subject, e.payload, { msgID: e.id, timeout: 5000 })),
      );
      const accepted = results.findIndex((r) => r.status === 'rejected');
      const done = accepted === -1 ? batch.length : accepted;
      this.queue.splice(0, done);
      if (done < batch.length) {
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      } else {
        delay = RETRY_FIRST_MS;
      }
    }
    if (this.queue.length === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Live subscription to a subject pattern; invalid payloads are reported, never delivered. */
  subscribe(
    pattern: string,
    handler: EventHandler,
    onInvalid: (subject: string, error: string) => void = () => {},
  ): () => void {
    const sub: Subscription = this.nc.subscribe(pattern, {
      callback: (err, msg) => {
        if (err) return;
        const checked = validateEvent(msg.subject, msg.data);
        if (!checked.ok) return onInvalid(msg.subject, checked.error);
        void Promise.resolve(handler(checked.event, msg.subject)).catch((e: unknown) =>
          onInvalid(msg.subject, `handler failed: ${String(e)}`),
        );
      },
    });
    return () => sub.unsubscribe();
  }

  /** Resolves once every event published so far was accepted by the stream. */
  async flush(): Promise<void> {
    if (this.queue.length === 0) {
      await this.nc.flush();
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  isConnected(): boolean {
    return !this.nc.isClosed();
  }

  /** Whether the server answers a round trip within `timeoutMs` (a reconnecting client does not). */
  async answers(timeoutMs: number): Promise<boolean> {
    if (this.nc.isClosed()) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    try {
      return await Promise.race([
        this.nc.rtt().then(
          () => true,
          () => false,
        ),
        late,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits (a bounded while) for unsent events, then closes the connection. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.queue.length > 0) {
      await Promise.race([this.flush(), new Promise((r) => setTimeout(r, timeoutMs))]);
    }
    this.closed = true;
    await this.nc.drain().catch(() => undefined);
  }
}

async function ensureStream(nc: NatsConnection, options: BusOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config: Partial<StreamConfig> & { name: string } = {
    name: EVENTS_STREAM,
    subjects: [SUBJECT_WILDCARD],
    max_age: (options.retentionMs ?? 7 * 24 * 3600 * 1000) * NANOS_PER_MS,
    max_bytes: options.maxBytes ?? 1024 ** 3,
    duplicate_window: 120_000 * NANOS_PER_MS,
  };
  try {
    await jsm.streams.info(EVENTS_STREAM);
    await jsm.streams.update(EVENTS_STREAM, config);
  } catch {
    await jsm.streams.add(config);
  }
}
