import type { z } from 'zod';
import * as d from './event-schemas.js';
import { subjects } from './subjects.js';

/** One event kind: its subject (derived from the payload, so the two cannot disagree) and schema. */
export interface EventSpec<D extends z.ZodType = z.ZodType> {
  /** AsyncAPI channel address; `{name}` marks a subject token. */
  address: string;
  parameters: Record<string, string>;
  publisher: string;
  summary: string;
  data: D;
  subjectOf: (data: z.infer<D>) => string;
}

const spec = <D extends z.ZodType>(s: EventSpec<D>): EventSpec<D> => s;
const index = { index: 'index uid' };
const rebalance = (summary: string) => ({ parameters: {}, publisher: 'rebalancer', summary });

/** Every event of state.md, keyed by the envelope's `type`. */
export const EVENTS = {
  'documents.written': spec({
    address: 'miroir.documents.{index}.written',
    parameters: index,
    publisher: 'task-reconciler',
    summary:
      'A write adding or replacing documents is in the log (announced in log order; the task events say when it applied).',
    data: d.documentsWrittenData,
    subjectOf: (x) => subjects.documentsWritten(x.indexUid),
  }),
  'documents.deleted': spec({
    address: 'miroir.documents.{index}.deleted',
    parameters: index,
    publisher: 'task-reconciler',
    summary:
      'A deletion by ids, by filter, or of all documents is in the log (announced in log order).',
    data: d.documentsDeletedData,
    subjectOf: (x) => subjects.documentsDeleted(x.indexUid),
  }),
  'indexes.created': spec({
    address: 'miroir.indexes.{index}.created',
    parameters: index,
    publisher: 'task-reconciler',
    summary: 'An index was created.',
    data: d.indexCreatedData,
    subjectOf: (x) => subjects.indexCreated(x.indexUid),
  }),
  'indexes.updated': spec({
    address: 'miroir.indexes.{index}.updated',
    parameters: index,
    publisher: 'task-reconciler',
    summary: "An index's primary key was changed.",
    data: d.indexUpdatedData,
    subjectOf: (x) => subjects.indexUpdated(x.indexUid),
  }),
  'indexes.deleted': spec({
    address: 'miroir.indexes.{index}.deleted',
    parameters: index,
    publisher: 'task-reconciler',
    summary: 'An index was deleted.',
    data: d.indexDeletedData,
    subjectOf: (x) => subjects.indexDeleted(x.indexUid),
  }),
  'indexes.settings': spec({
    address: 'miroir.indexes.{index}.settings',
    parameters: index,
    publisher: 'task-reconciler',
    summary: "An index's settings were updated or reset.",
    data: d.indexSettingsData,
    subjectOf: (x) => subjects.indexSettings(x.indexUid),
  }),
  'tasks.status': spec({
    address: 'miroir.tasks.{uid}.{status}',
    parameters: {
      uid: 'Miroir task uid',
      status: 'enqueued, processing, succeeded, failed or canceled',
    },
    publisher: 'task-reconciler',
    summary: 'A Miroir task reached a new status; the data is the task object.',
    data: d.taskData,
    subjectOf: (x) => subjects.task(x.uid, x.status),
  }),
  'topology.changed': spec({
    address: 'miroir.topology.changed',
    parameters: {},
    publisher: 'gateway admin API, rebalancer',
    summary: 'Nodes or placement changed; gateways refresh their cached topology.',
    data: d.topologyChangedData,
    subjectOf: () => subjects.topologyChanged(),
  }),
  'nodes.state': spec({
    address: 'miroir.nodes.{id}.{state}',
    parameters: { id: 'node id', state: 'joining, active, draining, failed or removed' },
    publisher: 'rebalancer',
    summary: 'A node changed health or lifecycle state.',
    data: d.nodeStateData,
    subjectOf: (x) => subjects.node(x.nodeId, x.to),
  }),
  'nodes.copy': spec({
    address: 'miroir.nodes.{id}.{copyState}',
    parameters: { id: 'node id', copyState: 'caught-up, lagging or stale' },
    publisher: 'node-writer',
    summary:
      "A node's copy started or stopped serving reads (it fell behind, caught up, or must be rebuilt).",
    data: d.copyStateData,
    subjectOf: (x) => subjects.node(x.nodeId, x.to),
  }),
  'rebalance.planned': spec({
    ...rebalance('Shard moves were planned after a topology change.'),
    address: 'miroir.rebalance.planned',
    data: d.rebalancePlannedData,
    subjectOf: () => subjects.rebalancePlanned(),
  }),
  'rebalance.progress': spec({
    ...rebalance('One move advanced a phase or copied more documents.'),
    address: 'miroir.rebalance.progress',
    data: d.rebalanceProgressData,
    subjectOf: () => subjects.rebalanceProgress(),
  }),
  'rebalance.completed': spec({
    ...rebalance('Every planned move is done.'),
    address: 'miroir.rebalance.completed',
    data: d.rebalanceCompletedData,
    subjectOf: () => subjects.rebalanceCompleted(),
  }),
  'rebalance.failed': spec({
    ...rebalance('A move failed beyond its retries.'),
    address: 'miroir.rebalance.failed',
    data: d.rebalanceFailedData,
    subjectOf: () => subjects.rebalanceFailed(),
  }),
  'aliases.flipped': spec({
    address: 'miroir.aliases.{name}.flipped',
    parameters: { name: 'alias name' },
    publisher: 'gateway',
    summary: 'An alias now points at new targets.',
    data: d.aliasFlippedData,
    subjectOf: (x) => subjects.aliasFlipped(x.alias),
  }),
  'keys.rotated': spec({
    address: 'miroir.keys.{index}.rotated',
    parameters: index,
    publisher: 'key-rotator',
    summary: "An index's scoped search key was rotated (key uids only, never the key value).",
    data: d.keysRotatedData,
    subjectOf: (x) => subjects.keysRotated(x.indexUid),
  }),
  'node-key.rotated': spec({
    address: 'miroir.node-key.rotated',
    parameters: {},
    publisher: 'key-rotator',
    summary:
      'The API key Miroir sends to nodes was promoted to a new generation (key uids only); the previous one is revoked once every process uses the new one.',
    data: d.nodeKeyRotatedData,
    subjectOf: () => subjects.nodeKeyRotated(),
  }),
} as const;

export type EventType = keyof typeof EVENTS;
export type EventData<T extends EventType> = z.infer<(typeof EVENTS)[T]['data']>;

/** The subscription pattern of a kind: its address with every `{token}` as `*`. */
export function eventPattern(type: EventType): string {
  return EVENTS[type].address.replace(/\{[^}]+\}/g, '*');
}
