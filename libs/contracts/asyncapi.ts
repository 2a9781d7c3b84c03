import { z } from 'zod';
import { EVENTS, type EventType } from './event-catalog.js';
import { envelopeSchema } from './event-envelope.js';
import { EVENTS_STREAM, SUBJECT_WILDCARD } from './subjects.js';

/** `documents.written` → `documentsWritten`, the AsyncAPI component id. */
function componentId(type: string): string {
  return type.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

/**
 * The AsyncAPI 3 document of every event Miroir publishes, generated from the same schemas the
 * producers and consumers validate with, so the documentation cannot drift from the code.
 */
export function asyncApiDocument(version = '0.1.0'): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const envelope = z.toJSONSchema(envelopeSchema.omit({ data: true, type: true }), {
    target: 'draft-2020-12',
  }) as { properties: Record<string, unknown>; required: string[] };

  for (const type of Object.keys(EVENTS) as EventType[]) {
    const spec = EVENTS[type];
    const id = componentId(type);
    const { $schema: _drop, ...data } = z.toJSONSchema(spec.data, { io: 'output' }) as Record<
      string,
      unknown
    >;
    messages[id] = {
      name: type,
      title: type,
      summary: spec.summary,
      contentType: 'application/json',
      payload: {
        type: 'object',
        properties: { ...envelope.properties, type: { const: type }, data },
        required: [...envelope.required, 'type', 'data'],
      },
    };
    channels[id] = {
      address: spec.address,
      ...(Object.keys(spec.parameters).length > 0 && {
        parameters: Object.fromEntries(
          Object.entries(spec.parameters).map(([k, description]) => [k, { description }]),
        ),
      }),
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
    };
    operations[`publish${id[0]!.toUpperCase()}${id.slice(1)}`] = {
      action: 'send',
      summary: `Published by ${spec.publisher}.`,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Miroir events',
      version,
      description:
        `Every event is JSON in the envelope {id, type, time, source, data}. Subscribe to ` +
        `\`${SUBJECT_WILDCARD}\` for all of them; the JetStream stream \`${EVENTS_STREAM}\` keeps ` +
        `them for replay. Trace context travels in message headers.`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
