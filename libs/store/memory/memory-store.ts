import { assembleStore } from '../assemble.js';
import { systemClock, type Clock } from '../clock.js';
import type { Store } from '../store.js';
import { TABLES } from '../tables.js';
import { MemoryAliasStore } from './memory-alias.store.js';
import { MemoryRevocationBus } from './memory-revocation.bus.js';
import { MemoryCatalogStore } from './memory-catalog.store.js';
import { MemoryLeaseStore } from './memory-lease.store.js';
import { MemoryScopedKeyStore } from './memory-scoped-key.store.js';
import { MemoryTable } from './memory-table.js';
import { MemoryTaskStore } from './memory-task.store.js';
import { MemoryTopologyStore } from './memory-topology.store.js';
import { MemoryWriterStore } from './memory-writer.store.js';

export interface MemoryStoreOptions {
  /** Drives TTLs, lease expiry and job claims; defaults to the system clock. */
  clock?: Clock;
}

/** The in-process store for unit tests; behaves as the Redis one (same contract suite). */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  const leases = new MemoryLeaseStore(clock);
  const revocations = new MemoryRevocationBus();
  return assembleStore({
    table: (spec) => new MemoryTable(spec, clock, leases),
    topology: new MemoryTopologyStore(leases),
    tasks: new MemoryTaskStore(),
    catalog: new MemoryCatalogStore(),
    writers: new MemoryWriterStore(leases),
    aliases: new MemoryAliasStore(leases),
    leases,
    scopedKeys: new MemoryScopedKeyStore(new MemoryTable(TABLES.scopedKeys, clock, leases), leases),
    nodeKeys: new MemoryScopedKeyStore(new MemoryTable(TABLES.nodeKeys, clock, leases), leases),
    revocations,
    clock,
    close: async () => revocations.close(),
  });
}
