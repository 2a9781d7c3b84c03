import { AdminSessionStore } from './admin-session.store.js';
import type { Clock } from './clock.js';
import type { AliasStore } from './ports/alias.port.js';
import type { RevocationBus } from './ports/revocation.port.js';
import type { CatalogStore } from './ports/catalog.port.js';
import type { LeaseStore } from './ports/lease.port.js';
import type { ScopedKeyStore } from './ports/scoped-key.port.js';
import type { Table, TableSpec } from './ports/table.port.js';
import type { TaskStore } from './ports/task.port.js';
import type { TopologyStore } from './ports/topology.port.js';
import type { WriterStore } from './ports/writer.port.js';
import { TableKeyStore } from './record.store.js';
import type { Store } from './store.js';
import { TABLES } from './tables.js';

/** What an adapter provides; everything built on generic tables is shared. */
export interface StoreParts {
  table<T>(spec: TableSpec): Table<T>;
  topology: TopologyStore;
  tasks: TaskStore;
  catalog: CatalogStore;
  writers: WriterStore;
  aliases: AliasStore;
  leases: LeaseStore;
  scopedKeys: ScopedKeyStore;
  nodeKeys: ScopedKeyStore;
  revocations: RevocationBus;
  clock: Clock;
  close(): Promise<void>;
}

export function assembleStore(p: StoreParts): Store {
  return {
    catalog: p.catalog,
    topology: p.topology,
    tasks: p.tasks,
    keys: new TableKeyStore(p.table(TABLES.keys)),
    writers: p.writers,
    migrations: p.table(TABLES.migrations),
    rebalance: p.table(TABLES.rebalance),
    rebuilds: p.table(TABLES.rebuilds),
    epochBeacons: p.table(TABLES.epochBeacons),
    aliases: p.aliases,
    leases: p.leases,
    sessions: p.table(TABLES.sessions),
    idempotency: p.table(TABLES.idempotency),
    searchUiConfigs: p.table(TABLES.searchUiConfigs),
    adminSessions: new AdminSessionStore(p.table(TABLES.adminSessions), p.revocations, p.clock),
    scopedKeys: p.scopedKeys,
    nodeKeys: p.nodeKeys,
    beacons: p.table(TABLES.beacons),
    checks: p.table(TABLES.checks),
    activity: p.table(TABLES.activity),
    close: () => p.close(),
  };
}
