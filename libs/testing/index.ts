export { builtApp, REPO_ROOT, startProcess, type RunningProcess } from './processes.js';
export { missingService, testNatsUrl, testRedisUrl, uniquePrefix } from './services.js';
export { startStack, type Stack, type StackNode, type StackOptions } from './stack.js';
export { admin, checkCopies, freeze, nodeDocuments, nodeJson, thaw, until } from './copies.js';
export { startPrivateNats, startPrivateRedis, type PrivateServer } from './servers.js';
export { MemoryWriteLog } from './memory-log.js';
export {
  replayWrites,
  withoutReserved,
  type ModelDoc,
  type ModelOp,
  type RecordedOp,
} from './write-model.js';
