export { EventBus, type BusOptions, type EventHandler } from './event-bus.js';
export {
  LogConflict,
  LogCorrupt,
  LogFollower,
  LogGap,
  LogUnavailable,
  newMsgId,
  WriteLog,
  type LogAppend,
  type LogMessage,
  type LogState,
  type WriteLogOptions,
} from './write-log.js';
