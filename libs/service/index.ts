export { jsonLog, type Log } from './log.js';
export { runService, type RunningService } from './run-service.js';
export { connectService, type ServiceConnections } from './connections.js';
