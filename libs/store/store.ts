import type { ActivityRecord } from './ports/activity.port.js';
import type { AliasStore } from './ports/alias.port.js';
import type { SearchUiConfig } from './ports/feature.port.js';
import type { CatalogStore } from './ports/catalog.port.js';
import type { CheckRecord } from './ports/check.port.js';
import type { KeyStore } from './ports/key.port.js';
import type { LeaseStore } from './ports/lease.port.js';
import type {
  EpochBeacon,
  MigrationRecord,
  RebalanceRun,
  RebuildRequest,
} from './ports/migration.port.js';
import type { ScopedKeyStore } from './ports/scoped-key.port.js';
import type { BeaconRecord, IdempotencyRecord, SessionRecord } from './ports/session.port.js';
import type { Table } from './ports/table.port.js';
import type { TaskStore } from './ports/task.port.js';
import type { TopologyStore } from './ports/topology.port.js';
import type { WriterStore } from './ports/writer.port.js';
import type { AdminSessionStore } from './admin-session.store.js';

/** Every piece of Miroir's shared state, one narrow port each (state.md). */
export interface Store {
  /** Indexes as the log's meta messages made them (replication.md). */
  readonly catalog: CatalogStore;
  readonly topology: TopologyStore;
  readonly tasks: TaskStore;
  readonly keys: KeyStore;
  /** Node writers' progress, part outcomes and the start/cancel gate. */
  readonly writers: WriterStore;
  readonly migrations: Table<MigrationRecord>;
  /** The rebalance run (`current`). */
  readonly rebalance: Table<RebalanceRun>;
  /** Stale copies handed back to be rebuilt (by node id): their writers restart from the request. */
  readonly rebuilds: Table<RebuildRequest>;
  /** TTL table keyed by gateway pod: the topology epoch it routes with. */
  readonly epochBeacons: Table<EpochBeacon>;
  readonly aliases: AliasStore;
  readonly leases: LeaseStore;
  /** TTL table (read-your-writes sessions). */
  readonly sessions: Table<SessionRecord>;
  /** TTL table; entries usually live IDEMPOTENCY_TTL_MS. */
  readonly idempotency: Table<IdempotencyRecord>;
  readonly searchUiConfigs: Table<SearchUiConfig>;
  readonly adminSessions: AdminSessionStore;
  readonly scopedKeys: ScopedKeyStore;
  /** The key Miroir sends to nodes, when it rotates (one record, `node`; the value sealed). */
  readonly nodeKeys: ScopedKeyStore;
  /** TTL table keyed by pod; entries live BEACON_TTL_MS unless refreshed. */
  readonly beacons: Table<BeaconRecord>;
  /** TTL table: copy checker runs (CHECK_TTL_MS). */
  readonly checks: Table<CheckRecord>;
  /** TTL table: changes made through the admin API (ACTIVITY_TTL_MS). */
  readonly activity: Table<ActivityRecord>;
  /** Closes the connections this store opened (not a client passed in). */
  close(): Promise<void>;
}
