import type { EventData, EventType, LogHeader } from '#lib/contracts';
import { taskUidOf } from '#lib/contracts';

export interface LogEvent<T extends EventType = EventType> {
  type: T;
  data: EventData<T>;
  /** The same message always yields the same id, so a re-announcement is stored once. */
  id: string;
}

/**
 * The events a log message announces (documents written or deleted, index lifecycle and settings).
 * Announced by the reconciler in log order once the message is in the log, so none is lost when
 * the gateway that appended it dies; refused tasks announce only their failed status.
 */
export function eventsOf(seq: number, header: LogHeader): LogEvent[] {
  if (header.task.error) return [];
  const taskUid = taskUidOf(seq);
  const indexUid = header.task.indexUid;
  const op = header.op;
  const event = <T extends EventType>(type: T, data: EventData<T>): LogEvent[] => [
    { type, data, id: `log-${seq}-${type}` } as LogEvent,
  ];
  switch (op.kind) {
    case 'documents':
      return event('documents.written', {
        taskUid,
        indexUid: op.index.uid,
        shards: op.parts.map((p) => p.shard).sort((a, b) => a - b),
        documentCount: op.parts.reduce((n, p) => n + p.count, 0),
      });
    case 'deleteIds':
      return event('documents.deleted', {
        taskUid,
        indexUid: op.index.uid,
        deletion: { kind: 'ids', ids: op.parts.flatMap((p) => p.ids) },
      });
    case 'deleteFilter':
      return event('documents.deleted', {
        taskUid,
        indexUid: op.index.uid,
        deletion: { kind: 'filter', filter: op.filter as string },
      });
    case 'deleteAll':
      return event('documents.deleted', {
        taskUid,
        indexUid: op.index.uid,
        deletion: { kind: 'all' },
      });
    case 'createIndex': {
      const record = header.catalog?.records[op.index.uid];
      return event('indexes.created', {
        taskUid,
        indexUid: op.index.uid,
        primaryKey: record?.primaryKey ?? null,
        shards: record?.shards ?? 1,
      });
    }
    case 'settings':
      return event('indexes.settings', {
        taskUid,
        indexUid: op.index.uid,
        settings: header.task.details ?? {},
      });
    case 'deleteIndex':
      return event('indexes.deleted', { taskUid, indexUid: op.index.uid });
    case 'none':
      if (header.task.type === 'indexUpdate' && indexUid) {
        // A rename moves the record to its new uid.
        const renamed = (header.task.details as { newIndexUid?: unknown } | undefined)?.newIndexUid;
        const record = header.catalog?.records[typeof renamed === 'string' ? renamed : indexUid];
        return event('indexes.updated', {
          taskUid,
          indexUid,
          primaryKey: record?.primaryKey ?? null,
        });
      }
      return [];
    default:
      return [];
  }
}
