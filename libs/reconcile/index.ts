export {
  EMPTY_LAYOUT,
  type CopyLayout,
  type NodeTaskView,
  type Observation,
} from './observation.js';
export { FIRST_POLL_MS, MAX_POLL_MS, pollDelayMs } from './poll-backoff.js';
export { perGroupCount, scaledCount, settledDetails, type SettleInput } from './task-details.js';
export {
  DELETION_TARGETS,
  PRIVATE_DETAIL_PREFIX,
  publicDetails,
  toTaskObject,
  type TaskObject,
} from './task-object.js';
export { isTerminal, next, type ReconcileAction, type ReconcileStep } from './task-status.js';
