import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EVENTS, eventPattern, type EventData, type EventType } from './event-catalog.js';
import { subjectMatches } from './subjects.js';

/** The envelope every event travels in (state.md). */
export interface EventEnvelope<T extends EventType = EventType> {
  /** Unique, for de-duplication by consumers. */
  id: string;
  type: T;
  /** RFC 3339 UTC. */
  time: string;
  /** `<service>/<pod>`. */
  source: string;
  data: EventData<T>;
}

export const envelopeSchema = z.object({
  id: z.string().min(1),
  type: z.enum(Object.keys(EVENTS) as [EventType, ...EventType[]]),
  time: z.iso.datetime(),
  source: z.string().min(1),
  data: z.unknown(),
});

export interface CreateEventOptions {
  /** `<service>/<pod>`, e.g. `gateway/pod-a`. */
  source: string;
  id?: string;
  now?: Date;
}

/**
 * Builds an event and its subject. The data is validated, so a producer bug (or a key value slipped
 * into a rotation event) fails here rather than at every consumer.
 */
export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  options: CreateEventOptions,
): { subject: string; event: EventEnvelope<T> } {
  const spec = EVENTS[type];
  const checked = spec.data.parse(data) as EventData<T>;
  const subject = (spec.subjectOf as (x: EventData<T>) => string)(checked);
  return {
    subject,
    event: {
      id: options.id ?? randomUUID(),
      type,
      time: (options.now ?? new Date()).toISOString(),
      source: options.source,
      data: checked,
    },
  };
}

export type EventValidation = { ok: true; event: EventEnvelope } | { ok: false; error: string };

/**
 * For consumers at the edge: checks that a received payload (bytes, text or parsed JSON) is a
 * well-formed event whose type and data belong to the subject it arrived on. Never throws.
 */
export function validateEvent(subject: string, payload: unknown): EventValidation {
  let value = payload;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
    } catch {
      return { ok: false, error: 'payload is not JSON' };
    }
  }
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) return { ok: false, error: `bad envelope: ${summarize(envelope.error)}` };
  const { type } = envelope.data;
  if (!subjectMatches(eventPattern(type), subject)) {
    return { ok: false, error: `type ${type} does not belong on subject ${subject}` };
  }
  const data = EVENTS[type].data.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, error: `bad ${type} data: ${summarize(data.error)}` };
  let expected: string;
  try {
    expected = (EVENTS[type].subjectOf as (x: unknown) => string)(data.data);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  if (expected !== subject) {
    return { ok: false, error: `data belongs on ${expected}, received on ${subject}` };
  }
  return { ok: true, event: { ...envelope.data, data: data.data } as EventEnvelope };
}

function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
