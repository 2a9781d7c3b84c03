import { activeTraceparent, inSpan, SpanKind } from '#lib/telemetry';
import { randomBytes } from 'node:crypto';
import {
  DiscardPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  decodeLogMessage,
  encodeLogMessage,
  logNames,
  logSubjects,
  type LogHeader,
  type LogNames,
} from '#lib/contracts';

export interface WriteLogOptions {
  url: string;
  /** Connection name, `<service>/<pod>`. */
  source: string;
  /** Stream name of this cluster's log (config `log_stream`). */
  stream: string;
  /** How long and how much the log keeps (R7: a copy further behind is stale). */
  maxAgeMs: number;
  maxBytes: number;
  /** Stream replicas (3 on a NATS cluster). */
  replicas?: number;
  /** How long an append may wait for JetStream's acknowledgement. */
  appendTimeoutMs?: number;
}

export interface LogAppend {
  subject: string;
  header: LogHeader;
  body?: Uint8Array;
  /** De-duplication id: a retried append with the same id is stored once (same sequence). */
  msgId: string;
  /** Compare-and-set: the append is refused unless this is the subject's last sequence (0: none). */
  expectLastSubjectSeq?: number;
}

export interface LogMessage {
  seq: number;
  subject: string;
  /** Append time (JetStream's clock), epoch ms. */
  time: number;
  header: LogHeader;
  /** The body, chunks already put back together (unless read with `bodies: false`). */
  body: Buffer;
  /** Encoded size as stored (header + inline body), for lag and amplification figures. */
  size: number;
}

export interface LogState {
  firstSeq: number;
  lastSeq: number;
  messages: number;
  bytes: number;
  /** Append time of the last message (epoch ms), 0 for an empty log. */
  lastTime: number;
}

/** The compare-and-set of an append failed: another message was appended on the subject first. */
export class LogConflict extends Error {
  override readonly name = 'LogConflict';
}

/** The log did not take the write (NATS down, timeout, stream full): nothing was appended. */
export class LogUnavailable extends Error {
  override readonly name = 'LogUnavailable';
}

/** A message's staged body is gone: the log's limits dropped it (a reader fell too far behind). */
export class LogGap extends Error {
  override readonly name = 'LogGap';
}

/** A message that does not decode: a bug or a foreign writer, never silently skipped. */
export class LogCorrupt extends Error {
  override readonly name = 'LogCorrupt';
}

const NANOS = 1_000_000;
/** Room for NATS headers (msg id, expectations) inside the server's max payload. */
const PAYLOAD_HEADROOM = 4096;
const WRONG_LAST_SEQUENCE = 10071;

/**
 * The write log on NATS JetStream (replication.md): appends with acknowledgement, de-duplication
 * and compare-and-set, stages bodies larger than one NATS message, and reads messages back in order
 * from any position. The only module besides the event bus that speaks to NATS.
 */
export class WriteLog {
  readonly names: LogNames;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: WriteLogOptions,
  ) {
    this.names = logNames(options.stream);
  }

  static async open(options: WriteLogOptions): Promise<WriteLog> {
    const nc = await connect({
      servers: options.url,
      name: `${options.source}/log`,
      maxReconnectAttempts: -1,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const log = new WriteLog(nc, jetstream(nc), jsm, options);
      await log.ensureStreams();
      return log;
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  private async ensureStreams(): Promise<void> {
    const common: Partial<StreamConfig> = {
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: this.options.replicas ?? 1,
      max_age: this.options.maxAgeMs * NANOS,
      allow_direct: true,
      duplicate_window: 120_000 * NANOS,
    };
    await upsertStream(this.jsm, {
      ...common,
      name: this.names.stream,
      subjects: [logSubjects.all(this.names)],
      max_bytes: this.options.maxBytes,
    });
    await upsertStream(this.jsm, {
      ...common,
      name: this.names.chunkStream,
      subjects: [logSubjects.allChunks(this.names)],
      max_bytes: this.options.maxBytes,
    });
  }

  /** Largest message the server takes, less room for headers. */
  get maxMessageBytes(): number {
    return (this.nc.info?.max_payload ?? 1024 * 1024) - PAYLOAD_HEADROOM;
  }

  /**
   * Appends one message and waits for JetStream's acknowledgement; its sequence is the task's
   * position. A body too large for one message is staged as chunks first, so the message itself
   * (what orders the write) is appended atomically or not at all.
   */
  async append(entry: LogAppend): Promise<{ seq: number; duplicate: boolean }> {
    return inSpan(
      'log append',
      { kind: SpanKind.PRODUCER, attributes: { 'messaging.destination.name': entry.subject } },
      async (span) => {
        const traceparent = activeTraceparent();
        const header = traceparent ? { ...entry.header, trace: traceparent } : entry.header;
        const result = await this.appendOnce({ ...entry, header });
        span.setAttribute('miroir.log.seq', result.seq);
        return result;
      },
    );
  }

  private async appendOnce(entry: LogAppend): Promise<{ seq: number; duplicate: boolean }> {
    let header = entry.header;
    let body = entry.body;
    let bytes = encodeLogMessage(header, body);
    if (bytes.length > this.maxMessageBytes && body && body.length > 0) {
      const chunks = await this.stage(entry.msgId, body);
      header = { ...header, chunks };
      body = undefined;
      bytes = encodeLogMessage(header);
    }
    const expect =
      entry.expectLastSubjectSeq === undefined
        ? undefined
        : { lastSubjectSequence: entry.expectLastSubjectSeq };
    try {
      const ack = await this.js.publish(entry.subject, bytes, {
        msgID: entry.msgId,
        expect,
        timeout: this.options.appendTimeoutMs ?? 5000,
      });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) {
        throw new LogConflict(err.message);
      }
      throw new LogUnavailable(`the write log did not accept the write: ${describe(err)}`, {
        cause: err,
      });
    }
  }

  private async stage(msgId: string, body: Uint8Array): Promise<NonNullable<LogHeader['chunks']>> {
    const id = `${msgId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}-${randomBytes(6).toString('hex')}`;
    const subject = logSubjects.chunk(this.names, id);
    const size = this.maxMessageBytes;
    const count = Math.ceil(body.length / size);
    try {
      for (let i = 0; i < count; i++) {
        await this.js.publish(`${subject}.${i}`, body.subarray(i * size, (i + 1) * size), {
          msgID: `${id}.${i}`,
          timeout: this.options.appendTimeoutMs ?? 5000,
        });
      }
    } catch (err) {
      throw new LogUnavailable(`the write log did not accept the write: ${describe(err)}`, {
        cause: err,
      });
    }
    return { subject, count, bytes: body.length };
  }

  /** A message's body: inline, or put back together from its staged chunks. */
  async bodyOf(header: LogHeader, inline: Buffer): Promise<Buffer> {
    const chunks = header.chunks;
    if (!chunks) return inline;
    const parts: Buffer[] = [];
    for (let i = 0; i < chunks.count; i++) {
      const m = await this.jsm.direct.getMessage(this.names.chunkStream, {
        last_by_subj: `${chunks.subject}.${i}`,
      });
      if (!m) throw new LogGap(`chunk ${i} of ${chunks.subject} is gone (past the log's limits)`);
      parts.push(Buffer.from(m.data));
    }
    const body = Buffer.concat(parts);
    if (body.length !== chunks.bytes) {
      throw new LogCorrupt(
        `chunks of ${chunks.subject}: ${body.length} bytes, ${chunks.bytes} expected`,
      );
    }
    return body;
  }

  private async decode(
    seq: number,
    subject: string,
    time: number,
    data: Uint8Array,
    bodies = true,
  ): Promise<LogMessage> {
    const decoded = decodeLogMessage(data);
    if (!decoded.ok) throw new LogCorrupt(`log message ${seq} (${subject}): ${decoded.error}`);
    return {
      seq,
      subject,
      time,
      header: decoded.header,
      body: bodies ? await this.bodyOf(decoded.header, decoded.body) : decoded.body,
      size: data.length,
    };
  }

  /** The message at a sequence; null when it is gone (expired) or never existed. */
  async read(seq: number): Promise<LogMessage | null> {
    const m = await this.jsm.direct.getMessage(this.names.stream, { seq });
    if (!m || m.seq !== seq) return null;
    return this.decode(m.seq, m.subject, m.timestamp ? Date.parse(m.timestamp) : 0, m.data);
  }

  /** The first message on `subject` after `afterSeq`; null when there is none. */
  async nextOn(subject: string, afterSeq: number): Promise<LogMessage | null> {
    const m = await this.jsm.direct.getMessage(this.names.stream, {
      seq: afterSeq + 1,
      next_by_subj: subject,
    });
    if (!m) return null;
    return this.decode(m.seq, m.subject, m.timestamp ? Date.parse(m.timestamp) : 0, m.data);
  }

  /** Sequence of the last message on `subject`, 0 when none is kept. */
  async lastSeqOn(subject: string): Promise<number> {
    const m = await this.jsm.direct.getMessage(this.names.stream, { last_by_subj: subject });
    return m?.seq ?? 0;
  }

  async state(): Promise<LogState> {
    const info = await this.jsm.streams.info(this.names.stream);
    return {
      firstSeq: info.state.first_seq,
      lastSeq: info.state.last_seq,
      messages: info.state.messages,
      bytes: info.state.bytes,
      lastTime: info.state.last_ts ? Date.parse(info.state.last_ts) : 0,
    };
  }

  /**
   * Reads every message from `fromSeq` on, in order, as they are appended (an ordered consumer:
   * no server-side state; the reader keeps its own position). Stop it with `close()`.
   */
  async follow(
    fromSeq: number,
    options: { maxMessages?: number; maxBytes?: number; bodies?: boolean } = {},
  ) {
    const consumer = await this.js.consumers.get(this.names.stream, {
      filter_subjects: logSubjects.all(this.names),
      opt_start_seq: Math.max(1, fromSeq),
    });
    // The client buffers up to this much ahead of the reader (bytes, or else messages).
    const messages: ConsumerMessages = await consumer.consume(
      options.maxBytes
        ? { max_bytes: options.maxBytes }
        : { max_messages: options.maxMessages ?? 256 },
    );
    return new LogFollower(
      messages,
      (seq, subject, time, data) => this.decode(seq, subject, time, data, options.bodies ?? true),
      options.maxMessages ?? 256,
    );
  }

  isConnected(): boolean {
    return !this.nc.isClosed();
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
  }
}

interface RawMessage {
  seq: number;
  subject: string;
  info: { timestampNanos: number };
  data: Uint8Array;
}

/**
 * Messages of an ordered consumer, decoded, one at a time. A pump moves delivered messages into a
 * queue (at most `readAhead`), so a reader can take everything already here without waiting for
 * more (`available`).
 */
export class LogFollower {
  private readonly queue: RawMessage[] = [];
  private wake: (() => void) | null = null;
  private resume: (() => void) | null = null;
  private ended = false;
  private failure: unknown = null;

  constructor(
    private readonly messages: ConsumerMessages,
    private readonly decode: (
      seq: number,
      subject: string,
      time: number,
      data: Uint8Array,
    ) => Promise<LogMessage>,
    private readonly readAhead: number,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for await (const m of this.messages as AsyncIterable<RawMessage>) {
        this.queue.push(m);
        this.signal();
        while (this.queue.length >= this.readAhead && !this.ended) {
          await new Promise<void>((r) => (this.resume = r));
        }
      }
    } catch (err) {
      this.failure = err;
    } finally {
      this.ended = true;
      this.signal();
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** The next message (waits for one to be appended); null once closed. */
  async next(): Promise<LogMessage | null> {
    while (this.queue.length === 0) {
      if (this.ended) {
        if (this.failure) throw this.failure;
        return null;
      }
      await new Promise<void>((r) => (this.wake = r));
    }
    const m = this.queue.shift()!;
    const resume = this.resume;
    this.resume = null;
    resume?.();
    return this.decode(m.seq, m.subject, Math.floor(m.info.timestampNanos / NANOS), m.data);
  }

  /** Messages already delivered and not yet taken: `next()` returns them without waiting. */
  get available(): number {
    return this.queue.length;
  }

  close(): void {
    this.ended = true;
    this.messages.stop();
    this.signal();
    this.resume?.();
  }
}

async function upsertStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch {
    try {
      await jsm.streams.add(config);
      return;
    } catch (err) {
      // Another process created it between the two calls.
      if (!String(err).includes('already in use')) throw err;
    }
  }
  await jsm.streams.update(config.name, config);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A fresh de-duplication id for one client request. */
export function newMsgId(): string {
  return randomBytes(12).toString('base64url');
}
