export type { Store } from './store.js';
export { createRedisStore, DEFAULT_PREFIX, type RedisStoreOptions } from './redis/redis-store.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory/memory-store.js';
export { purgeRedisStore, purgeRedisStoreAt } from './redis/purge.js';
export { systemClock, type Clock } from './clock.js';
export { StaleFenceError, type Fence } from './fence.js';
export { AdminSessionStore } from './admin-session.store.js';
export { matchesTask, pageTasks, timeOf, DEFAULT_TASK_LIMIT } from './task-query.js';
export {
  DEFAULT_PAGE_LIMIT,
  type Page,
  type PageRequest,
  type PutOptions,
  type Table,
} from './ports/table.port.js';
export { CHECK_TTL_MS, type CheckedShard, type CheckRecord } from './ports/check.port.js';
export { ACTIVITY_TTL_MS, type ActivityRecord } from './ports/activity.port.js';
export type {
  CatalogApply,
  CatalogChange,
  CatalogRecord,
  CatalogStore,
  NodeIndexState,
} from './ports/catalog.port.js';
export {
  COPY_STATES,
  type CopyState,
  type InflightBatch,
  type PartOutcome,
  type TaskGate,
  type WriterStatus,
  type WriterStore,
} from './ports/writer.port.js';
export type {
  CommitResult,
  StoredNode,
  StoredTopology,
  TopologyChange,
  TopologySnapshot,
  TopologyStore,
} from './ports/topology.port.js';
export {
  TASK_STATUSES,
  type NodeTaskOutcome,
  type TaskError,
  type TaskFilter,
  type TaskPage,
  type TaskQuery,
  type TaskRecord,
  type TaskStatus,
  type TaskStore,
} from './ports/task.port.js';
export type { ApiKeyRecord, KeyStore } from './ports/key.port.js';
export {
  EPOCH_BEACON_TTL_MS,
  isFinishedPhase,
  type EpochBeacon,
  type MigrationPhase,
  type MigrationRecord,
  type RebalanceRun,
  type RebuildRequest,
} from './ports/migration.port.js';
export {
  DEFAULT_ALIAS_HISTORY,
  type AliasHistoryEntry,
  type AliasKind,
  type AliasRecord,
  type AliasStore,
  type FlipRequest,
  type FlipResult,
  type NewAlias,
} from './ports/alias.port.js';
export type { Lease, LeaseStore } from './ports/lease.port.js';
export {
  BEACON_TTL_MS,
  IDEMPOTENCY_TTL_MS,
  type AdminSessionRecord,
  type BeaconRecord,
  type IdempotencyRecord,
  type SessionRecord,
} from './ports/session.port.js';
export type {
  RotationState,
  ScopedKeyRecord,
  ScopedKeyStore,
  ScopedKeyWrite,
} from './ports/scoped-key.port.js';
export type { SearchUiConfig } from './ports/feature.port.js';
