export { jsonLog, type Log } from './log.js';
export { runService, type RunningService } from './run-service.js';
export {
  connectService,
  followNodeKey,
  openWriteLog,
  type ServiceConnections,
} from './connections.js';
export { NodeKeyFollower } from './node-key-follower.js';
export { Leadership, type LeadershipOptions } from './leadership.js';
export {
  connectionProblems,
  leaderGauge,
  startOpsServer,
  type OpsServer,
  type ServiceOps,
} from './ops-server.js';
