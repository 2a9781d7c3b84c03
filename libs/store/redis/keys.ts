/**
 * The one place Redis key names are built. Every id is URI-encoded, so an id can never contain
 * the `:` separator and collide with another key. For Redis Cluster, give a hash-tagged prefix
 * (`{miroir}:`) so that every key of one store lives in one slot (the Lua scripts need that).
 */
export type TaskDimension = 'status' | 'type' | 'index' | 'canceledBy';
export type TaskTimeField = 'enqueuedAt' | 'startedAt' | 'finishedAt';

export class RedisKeys {
  constructor(readonly prefix: string) {}

  private k(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  private static id(id: string): string {
    return encodeURIComponent(id);
  }

  // Generic tables: one string per record, one sorted set as the index.
  record(table: string, id: string): string {
    return this.k('t', table, RedisKeys.id(id));
  }
  tableIndex(table: string): string {
    return this.k('ti', table);
  }

  // Tasks.
  /** Log position up to which every task is settled. */
  taskSeq(): string {
    return this.k('tasks', 'settled-through');
  }
  task(uid: number): string {
    return this.k('task', String(uid));
  }
  /** Key prefix of task records, for scripts that read tasks by uid. */
  taskPrefix(): string {
    return this.k('task', '');
  }
  tasksAll(): string {
    return this.k('tasks', 'all');
  }
  tasksBy(dimension: TaskDimension, value: string): string {
    return this.k('tasks', dimension, RedisKeys.id(value));
  }
  tasksAt(field: TaskTimeField): string {
    return this.k('tasks', field);
  }
  /** Scratch keys of one list query, deleted before the script returns. */
  scratch(token: string, n: number): string {
    return this.k('tmp', token, String(n));
  }

  // Topology and placement.
  epoch(): string {
    return this.k('topology', 'epoch');
  }
  topology(): string {
    return this.k('topology', 'nodes');
  }
  /** One hash, index uid → placement json, so a snapshot is one atomic read. */
  placements(): string {
    return this.k('topology', 'placements');
  }

  // Leases.
  lease(scope: string): string {
    return this.k('lease', RedisKeys.id(scope));
  }
  leaseFence(scope: string): string {
    return this.k('lease-fence', RedisKeys.id(scope));
  }
  leaseIndex(): string {
    return this.k('lease-index');
  }
  /** Stands in for the lease key of an unfenced write (never written). */
  noLease(): string {
    return this.k('lease', '');
  }

  // Aliases: a hash per alias plus its history list.
  alias(name: string): string {
    return this.k('alias', RedisKeys.id(name));
  }
  aliasHistory(name: string): string {
    return this.k('alias-history', RedisKeys.id(name));
  }
  aliasIndex(): string {
    return this.k('alias-index');
  }

  // Catalog: the applied position, client uid → record, node-side index → state.
  catalogSeq(): string {
    return this.k('catalog', 'seq');
  }
  catalogRecords(): string {
    return this.k('catalog', 'records');
  }
  catalogNodeIndexes(): string {
    return this.k('catalog', 'node-indexes');
  }

  // Node writers: one hash of statuses, per-task part outcomes, the start/cancel gate.
  writers(): string {
    return this.k('writers');
  }
  writerChanges(): string {
    return this.k('writers', 'changes');
  }
  partOutcomes(uid: number): string {
    return this.k('parts', String(uid));
  }
  partOutcomesIndex(): string {
    return this.k('parts-index');
  }
  taskGates(): string {
    return this.k('task-gates');
  }
  copyBreaks(): string {
    return this.k('copy-breaks');
  }

  adminRevocations(): string {
    return this.k('admin-sessions', 'revoked');
  }
}
