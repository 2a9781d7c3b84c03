import type { TableSpec } from './ports/table.port.js';

/** Every generic table of the store; both adapters and the Redis purge walk this list. */
export const TABLES = {
  keys: { name: 'keys', ttl: false },
  migrations: { name: 'migrations', ttl: false },
  rebalance: { name: 'rebalance', ttl: false },
  rebuilds: { name: 'rebuilds', ttl: false },
  epochBeacons: { name: 'epoch-beacons', ttl: true },
  sessions: { name: 'sessions', ttl: true },
  idempotency: { name: 'idempotency', ttl: true },
  searchUiConfigs: { name: 'search-ui-configs', ttl: false },
  adminSessions: { name: 'admin-sessions', ttl: true },
  beacons: { name: 'beacons', ttl: true },
  scopedKeys: { name: 'scoped-keys', ttl: false },
  nodeKeys: { name: 'node-keys', ttl: false },
  checks: { name: 'checks', ttl: true },
  activity: { name: 'activity', ttl: true },
} as const satisfies Record<string, TableSpec>;
