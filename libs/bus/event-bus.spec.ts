import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EventBus } from '#lib/bus';
import { EVENTS_STREAM, type EventEnvelope } from '#lib/contracts';
import { missingService, testNatsUrl } from '#lib/testing';

let bus: EventBus;

beforeAll(async () => {
  try {
    bus = await EventBus.connect({ url: testNatsUrl(), source: 'test/bus' });
  } catch (err) {
    throw missingService('NATS', testNatsUrl(), err);
  }
});
afterAll(async () => bus?.close());

describe('EventBus', () => {
  it('delivers published events, in their envelope, to a subscriber of miroir.>', async () => {
    const received: EventEnvelope[] = [];
    const unsubscribe = bus.subscribe('miroir.indexes.*.created', (e) => {
      received.push(e);
    });
    const sent = bus.publish('indexes.created', {
      taskUid: 7,
      indexUid: 'movies',
      primaryKey: 'id',
      shards: 16,
    });
    await bus.flush();
    await new Promise((r) => setTimeout(r, 100));
    unsubscribe();
    expect(received.map((e) => e.id)).toContain(sent.id);
    const event = received.find((e) => e.id === sent.id)!;
    expect(event).toMatchObject({ type: 'indexes.created', source: 'test/bus' });
    expect(event.data).toMatchObject({ taskUid: 7, indexUid: 'movies' });
  });

  it('keeps events in the MIROIR_EVENTS stream for replay', async () => {
    const nc = await connect({ servers: testNatsUrl() });
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    bus.publish('indexes.deleted', { taskUid: 8, indexUid: 'movies' });
    await bus.flush();
    await new Promise((r) => setTimeout(r, 100));
    const after = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
    await nc.close();
    expect(after).toBeGreaterThan(before);
  });

  it('reports payloads that are not valid events instead of delivering them', async () => {
    const nc = await connect({ servers: testNatsUrl() });
    const invalid: string[] = [];
    const delivered: unknown[] = [];
    const unsubscribe = bus.subscribe(
      'miroir.topology.changed',
      (e) => {
        delivered.push(e);
      },
      (_subject, error) => invalid.push(error),
    );
    await bus.flush(); // the subscription is registered before the other connection publishes
    nc.publish('miroir.topology.changed', 'not json');
    nc.publish('miroir.topology.changed', JSON.stringify({ id: 'x', type: 'topology.changed' }));
    await nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    unsubscribe();
    await nc.close();
    expect(delivered).toEqual([]);
    expect(invalid).toHaveLength(2);
  });
});
