import { describe, expect, it } from '@jest/globals';
import {
  asyncApiDocument,
  createEvent,
  EVENTS,
  eventPattern,
  QUEUES,
  subjectMatches,
  subjects,
  validateEvent,
  validateJob,
  type EventData,
  type EventType,
  type QueueKey,
} from '#lib/contracts';

const UUID_A = '6f1c1a3e-8b4e-4a2b-9a8f-0d1e2c3b4a59';
const UUID_B = '0b7d4a36-0e3a-4c7f-8f9d-5e1a2b3c4d5e';
const move = { indexUid: 'movies', shard: 3, group: '0', source: 'meili-0', target: 'meili-2' };

/** One valid payload and one invalid variant per event type, with the subject it travels on. */
const SAMPLES: { [T in EventType]: { valid: EventData<T>; invalid: unknown; subject: string } } = {
  'documents.written': {
    valid: { taskUid: 12, indexUid: 'movies', shards: [1, 5], documentCount: 2 },
    invalid: { taskUid: -1, indexUid: 'movies', shards: [], documentCount: 0 },
    subject: 'miroir.documents.movies.written',
  },
  'documents.deleted': {
    valid: {
      taskUid: 3,
      indexUid: 'movies',
      deletion: { kind: 'filter', filter: 'year < 2000' },
    },
    invalid: { taskUid: 3, indexUid: 'movies', deletion: { kind: 'some' } },
    subject: 'miroir.documents.movies.deleted',
  },
  'indexes.created': {
    valid: { taskUid: 0, indexUid: 'movies', primaryKey: 'id', shards: 64 },
    invalid: { taskUid: 0, indexUid: 'movies', primaryKey: 'id', shards: 0 },
    subject: 'miroir.indexes.movies.created',
  },
  'indexes.updated': {
    valid: { taskUid: 1, indexUid: 'movies', primaryKey: null },
    invalid: { taskUid: 1, indexUid: 'mo vies', primaryKey: null },
    subject: 'miroir.indexes.movies.updated',
  },
  'indexes.deleted': {
    valid: { taskUid: 2, indexUid: 'movies' },
    invalid: { taskUid: '2', indexUid: 'movies' },
    subject: 'miroir.indexes.movies.deleted',
  },
  'indexes.settings': {
    valid: {
      taskUid: 4,
      indexUid: 'movies',
      settings: { rankingRules: null, filterableAttributes: ['year'] },
    },
    invalid: { taskUid: 4, indexUid: 'movies', settings: ['rankingRules'] },
    subject: 'miroir.indexes.movies.settings',
  },
  'tasks.status': {
    valid: {
      uid: 7,
      batchUid: null,
      indexUid: 'movies',
      status: 'failed',
      type: 'documentAdditionOrUpdate',
      canceledBy: null,
      details: { receivedDocuments: 2, indexedDocuments: 0 },
      error: { message: 'x', code: 'invalid_document_id', type: 'invalid_request', link: 'l' },
      duration: 'PT0.012S',
      enqueuedAt: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-01-01T00:00:00.001Z',
      finishedAt: '2026-01-01T00:00:00.013Z',
    },
    invalid: { uid: 7, status: 'done' },
    subject: 'miroir.tasks.7.failed',
  },
  'topology.changed': {
    valid: { epoch: 9, change: 'nodeAdded', nodeId: 'meili-3' },
    invalid: { epoch: 9, change: 'nodeExploded' },
    subject: 'miroir.topology.changed',
  },
  'nodes.state': {
    valid: { nodeId: 'meili-1', from: 'active', to: 'failed', error: 'connection refused' },
    invalid: { nodeId: 'meili-1', from: 'active', to: 'sleepy', error: null },
    subject: 'miroir.nodes.meili-1.failed',
  },
  'nodes.copy': {
    valid: {
      nodeId: 'meili-1',
      from: 'caught-up',
      to: 'lagging',
      reason: 'node unreachable',
      appliedSeq: 41,
    },
    invalid: { nodeId: 'meili-1', from: 'caught-up', to: 'behind', reason: '', appliedSeq: 41 },
    subject: 'miroir.nodes.meili-1.lagging',
  },
  'rebalance.planned': {
    valid: { rebalanceId: 'r1', epoch: 10, moves: [move], drops: [] },
    invalid: { rebalanceId: '', epoch: 10, moves: [], drops: [] },
    subject: 'miroir.rebalance.planned',
  },
  'rebalance.progress': {
    valid: {
      rebalanceId: 'r1',
      move,
      phase: 'copy',
      documentsCopied: 500,
      documentsTotal: 1000,
      totals: { movesDone: 0, movesTotal: 1 },
    },
    invalid: {
      rebalanceId: 'r1',
      move,
      phase: 'teleport',
      documentsCopied: 0,
      documentsTotal: null,
      totals: {},
    },
    subject: 'miroir.rebalance.progress',
  },
  'rebalance.completed': {
    valid: { rebalanceId: 'r1', movesDone: 1, documentsCopied: 1000, durationMs: 1234.5 },
    invalid: { rebalanceId: 'r1', movesDone: 1.5, documentsCopied: 1000, durationMs: 1 },
    subject: 'miroir.rebalance.completed',
  },
  'rebalance.failed': {
    valid: { rebalanceId: 'r1', move: null, error: 'target unreachable' },
    invalid: { rebalanceId: 'r1', move: null },
    subject: 'miroir.rebalance.failed',
  },
  'aliases.flipped': {
    valid: { alias: 'products', version: 2, oldTargets: ['p-1'], newTargets: ['p-2'], actor: null },
    invalid: { alias: 'products', version: 2, oldTargets: ['p-1'], newTargets: [], actor: null },
    subject: 'miroir.aliases.products.flipped',
  },
  'keys.rotated': {
    valid: { indexUid: 'movies', generation: 3, oldKeyUid: UUID_A, newKeyUid: UUID_B },
    // A key value must never ride along.
    invalid: {
      indexUid: 'movies',
      generation: 3,
      oldKeyUid: UUID_A,
      newKeyUid: UUID_B,
      key: 'secret',
    },
    subject: 'miroir.keys.movies.rotated',
  },
  'node-key.rotated': {
    valid: { generation: 2, oldKeyUid: UUID_A, newKeyUid: UUID_B },
    invalid: { generation: 2, oldKeyUid: UUID_A, newKeyUid: UUID_B, key: 'secret' },
    subject: 'miroir.node-key.rotated',
  },
};
const TYPES = Object.keys(EVENTS) as EventType[];

describe('subjects', () => {
  it('builds every subject of state.md', () => {
    expect(subjects.documentsWritten('movies')).toBe('miroir.documents.movies.written');
    expect(subjects.documentsDeleted('movies')).toBe('miroir.documents.movies.deleted');
    expect(subjects.indexCreated('m')).toBe('miroir.indexes.m.created');
    expect(subjects.indexUpdated('m')).toBe('miroir.indexes.m.updated');
    expect(subjects.indexDeleted('m')).toBe('miroir.indexes.m.deleted');
    expect(subjects.indexSettings('m')).toBe('miroir.indexes.m.settings');
    expect(subjects.task(42, 'succeeded')).toBe('miroir.tasks.42.succeeded');
    expect(subjects.topologyChanged()).toBe('miroir.topology.changed');
    expect(subjects.node('meili-0', 'draining')).toBe('miroir.nodes.meili-0.draining');
    expect(subjects.rebalancePlanned()).toBe('miroir.rebalance.planned');
    expect(subjects.rebalanceProgress()).toBe('miroir.rebalance.progress');
    expect(subjects.rebalanceCompleted()).toBe('miroir.rebalance.completed');
    expect(subjects.rebalanceFailed()).toBe('miroir.rebalance.failed');
    expect(subjects.aliasFlipped('shop')).toBe('miroir.aliases.shop.flipped');
    expect(subjects.keysRotated('movies')).toBe('miroir.keys.movies.rotated');
  });

  it('accepts * for subscriptions and refuses tokens that would change the subject shape', () => {
    expect(subjects.task('*', 'failed')).toBe('miroir.tasks.*.failed');
    expect(subjects.documentsWritten('*')).toBe('miroir.documents.*.written');
    for (const bad of ['a.b', 'a b', '>', '', 'x*']) {
      expect(() => subjects.documentsWritten(bad)).toThrow(TypeError);
    }
    expect(() => subjects.task(-1, 'failed')).toThrow(TypeError);
    expect(() => subjects.task(1.5, 'failed')).toThrow(TypeError);
  });

  it('matches NATS wildcards', () => {
    expect(subjectMatches('miroir.>', 'miroir.tasks.1.failed')).toBe(true);
    expect(subjectMatches('miroir.>', 'miroir')).toBe(false);
    expect(subjectMatches('miroir.tasks.*.failed', 'miroir.tasks.1.failed')).toBe(true);
    expect(subjectMatches('miroir.tasks.*.failed', 'miroir.tasks.1.succeeded')).toBe(false);
    expect(subjectMatches('miroir.tasks.*', 'miroir.tasks.1.failed')).toBe(false);
  });
});

describe.each(TYPES)('event %s', (type) => {
  const sample = SAMPLES[type];

  it('accepts its valid sample and rejects the invalid one', () => {
    expect(EVENTS[type].data.safeParse(sample.valid).success).toBe(true);
    expect(EVENTS[type].data.safeParse(sample.invalid).success).toBe(false);
  });

  it('derives its subject from the data, matching its documented pattern', () => {
    const { subject, event } = createEvent(type, sample.valid as never, {
      source: 'gateway/pod-a',
      id: 'e1',
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(subject).toBe(sample.subject);
    expect(subjectMatches(eventPattern(type), subject)).toBe(true);
    expect(subjectMatches('miroir.>', subject)).toBe(true);
    expect(event).toEqual({
      id: 'e1',
      type,
      time: '2026-01-01T00:00:00.000Z',
      source: 'gateway/pod-a',
      data: sample.valid,
    });
  });

  it('round-trips through validateEvent as bytes', () => {
    const { subject, event } = createEvent(type, sample.valid as never, { source: 's' });
    const result = validateEvent(subject, Buffer.from(JSON.stringify(event)));
    expect(result).toEqual({ ok: true, event });
  });

  it('refuses to create an event from invalid data', () => {
    expect(() => createEvent(type, sample.invalid as never, { source: 's' })).toThrow();
  });
});

describe('validateEvent', () => {
  const { subject, event } = createEvent('documents.written', SAMPLES['documents.written'].valid, {
    source: 'gateway/pod-a',
  });

  it('refuses garbage without throwing', () => {
    expect(validateEvent(subject, '{not json')).toEqual({
      ok: false,
      error: 'payload is not JSON',
    });
    expect(validateEvent(subject, 42).ok).toBe(false);
    expect(validateEvent(subject, { ...event, time: 'yesterday' }).ok).toBe(false);
    expect(validateEvent(subject, { ...event, type: 'documents.exploded' }).ok).toBe(false);
    expect(validateEvent(subject, { ...event, data: { taskUid: 1 } }).ok).toBe(false);
  });

  it('refuses an event on a subject it does not belong to', () => {
    expect(validateEvent('miroir.documents.movies.deleted', event)).toEqual({
      ok: false,
      error: 'type documents.written does not belong on subject miroir.documents.movies.deleted',
    });
    expect(validateEvent('miroir.documents.books.written', event)).toEqual({
      ok: false,
      error:
        'data belongs on miroir.documents.movies.written, received on miroir.documents.books.written',
    });
  });
});

describe('queues', () => {
  const JOBS: { [Q in QueueKey]: { valid: unknown; invalid: unknown; name: string; id: string } } =
    {
      checks: {
        valid: { checkId: 'c1', indexUid: 'movies', repair: true },
        invalid: { checkId: 'c1', indexUid: 'movies' },
        name: 'miroir-checks',
        id: 'check.c1',
      },
      migrations: {
        valid: { ...move, epoch: 4 },
        invalid: { ...move, shard: -1, epoch: 4 },
        name: 'miroir-migrations',
        id: 'move.movies.3.0.meili-2.4',
      },
      keys: {
        valid: { indexUid: 'movies', request: 'r1' },
        invalid: { indexUid: 'a.b' },
        name: 'miroir-keys',
        id: 'keys.movies.r1',
      },
    };
  it('a keys job names an index or the node key, never both or neither', () => {
    const ok = validateJob('keys', { nodeKey: true, request: 'r2' });
    expect(ok.ok && QUEUES.keys.jobId(ok.data)).toBe('keys.node-key.r2');
    expect(validateJob('keys', { indexUid: 'movies', nodeKey: true }).ok).toBe(false);
    expect(validateJob('keys', {}).ok).toBe(false);
  });

  it.each(Object.keys(JOBS) as QueueKey[])('%s: name, schema and idempotent job id', (q) => {
    const job = JOBS[q];
    expect(QUEUES[q].name).toBe(job.name);
    const ok = validateJob(q, job.valid);
    expect(ok.ok).toBe(true);
    expect(validateJob(q, job.invalid).ok).toBe(false);
    if (ok.ok) expect((QUEUES[q].jobId as (d: unknown) => string)(ok.data)).toBe(job.id);
  });
});

describe('asyncApiDocument', () => {
  const doc = asyncApiDocument('1.2.3') as {
    asyncapi: string;
    info: { version: string };
    channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
    operations: Record<string, { action: string; channel: { $ref: string } }>;
    components: {
      messages: Record<string, { name: string; payload: { properties: Record<string, unknown> } }>;
    };
  };

  it('is an AsyncAPI 3 document listing every subject', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.info.version).toBe('1.2.3');
    const patterns = Object.values(doc.channels).map((c) => c.address.replace(/\{[^}]+\}/g, '*'));
    expect(patterns.sort()).toEqual(TYPES.map(eventPattern).sort());
    for (const type of TYPES) {
      expect(patterns.some((p) => subjectMatches(p, SAMPLES[type].subject))).toBe(true);
    }
  });

  it('resolves every reference and describes envelope and data', () => {
    const resolve = (ref: string) =>
      ref
        .slice(2)
        .split('/')
        .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc);
    for (const op of Object.values(doc.operations)) {
      expect(op.action).toBe('send');
      expect(resolve(op.channel.$ref)).toBeDefined();
    }
    for (const channel of Object.values(doc.channels)) {
      for (const m of Object.values(channel.messages)) expect(resolve(m.$ref)).toBeDefined();
    }
    const written = doc.components.messages.documentsWritten!;
    expect(written.name).toBe('documents.written');
    expect(Object.keys(written.payload.properties).sort()).toEqual([
      'data',
      'id',
      'source',
      'time',
      'type',
    ]);
    expect(JSON.stringify(written.payload.properties.data)).toContain('documentCount');
  });
});
