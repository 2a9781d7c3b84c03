import { jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
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

/**
 * Miroir's event bus on NATS: publishes enveloped events (kept by the `MIROIR_EVENTS` JetStream
 * stream so subscribers can replay) and delivers validated events to live subscribers. The only
 * module that imports `@nats-io/*`.
 */
export class EventBus {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly source: string,
  ) {}

  static async connect(options: BusOptions): Promise<EventBus> {
    const nc = await connect({
      servers: options.url,
      name: options.source,
      maxReconnectAttempts: -1,
    });
    await ensureStream(nc, options);
    return new EventBus(nc, options.source);
  }

  /**
   * Publishes one event. Core publish: the stream stores it without a round trip on the request
   * path; events are notifications, the task records in the store are the source of truth.
   */
  publish<T extends EventType>(type: T, data: EventData<T>): EventEnvelope<T> {
    const { subject, event } = createEvent(type, data, { source: this.source });
    this.nc.publish(subject, JSON.stringify(event));
    return event;
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

  /** Resolves once every published message reached the server. */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  isConnected(): boolean {
    return !this.nc.isClosed();
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

async function ensureStream(nc: NatsConnection, options: BusOptions): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config: Partial<StreamConfig> & { name: string } = {
    name: EVENTS_STREAM,
    subjects: [SUBJECT_WILDCARD],
    max_age: (options.retentionMs ?? 7 * 24 * 3600 * 1000) * NANOS_PER_MS,
    max_bytes: options.maxBytes ?? 1024 ** 3,
  };
  try {
    await jsm.streams.info(EVENTS_STREAM);
    await jsm.streams.update(EVENTS_STREAM, config);
  } catch {
    await jsm.streams.add(config);
  }
}
