export { asyncApiDocument } from './asyncapi.js';
export {
  EVENTS,
  eventPattern,
  type EventData,
  type EventSpec,
  type EventType,
} from './event-catalog.js';
export {
  createEvent,
  envelopeSchema,
  validateEvent,
  type CreateEventOptions,
  type EventEnvelope,
  type EventValidation,
} from './event-envelope.js';
export * as eventSchemas from './event-schemas.js';
export { QUEUES, validateJob, type JobData, type QueueKey, type QueueName } from './queues.js';
export {
  COPY_STATES,
  EVENTS_STREAM,
  NODE_STATES,
  SUBJECT_WILDCARD,
  subjectMatches,
  subjects,
  token,
  type CopyState,
  type NodeState,
} from './subjects.js';
export {
  FINISHED_TASK_STATUSES,
  isFinishedStatus,
  TASK_STATUSES,
  type TaskStatus,
} from './task-status.js';
export {
  catalogRecord,
  decodeLogMessage,
  documentPartBodies,
  encodeLogMessage,
  indexRef,
  logHeader,
  logNames,
  logOp,
  logSubjects,
  seqOfTask,
  taskUidOf,
  type CatalogRecord,
  type IndexRef,
  type LogDecoding,
  type LogHeader,
  type LogNames,
  type LogOp,
  type LogOpKind,
  type TaskError,
} from './write-log.js';
