export {
  EMPTY_LAYOUT,
  type CopyLayout,
  type CopyView,
  type NodeTaskView,
  type Observation,
} from './observation.js';
export { perGroupCount, scaledCount, settledDetails, type SettleInput } from './task-details.js';
export {
  DELETION_TARGETS,
  PRIVATE_DETAIL_PREFIX,
  publicDetails,
  taskRecordOf,
  toTaskObject,
  type TaskObject,
} from './task-object.js';
export {
  copiesToWaitFor,
  isTerminal,
  reconcileTask,
  READ_STATE_PROPAGATION_MS,
  type ReconcileAction,
  type ReconcileStep,
} from './task-status.js';
