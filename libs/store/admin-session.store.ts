import type { Clock } from './clock.js';
import type { RevocationBus } from './ports/revocation.port.js';
import type { AdminSessionRecord } from './ports/session.port.js';
import type { Page, PageRequest, Table } from './ports/table.port.js';

/**
 * Admin UI sessions (feature table 14): a TTL table whose records expire at `expiresAt`, plus a
 * revocation that every gateway hears at once through pub/sub.
 */
export class AdminSessionStore {
  constructor(
    private readonly table: Table<AdminSessionRecord>,
    private readonly bus: RevocationBus,
    private readonly clock: Clock,
  ) {}

  private ttlOf(s: AdminSessionRecord): number {
    return Date.parse(s.expiresAt) - this.clock.now();
  }

  /** False when the session is already expired (nothing stored) or the id is taken. */
  async create(session: AdminSessionRecord): Promise<boolean> {
    const ttlMs = this.ttlOf(session);
    if (!(ttlMs > 0)) return false;
    return (await this.table.putIfAbsent(session.id, session, { ttlMs })) === null;
  }

  get(id: string): Promise<AdminSessionRecord | null> {
    return this.table.get(id);
  }

  /** Marks the session revoked (it keeps its TTL) and publishes the revocation. */
  async revoke(id: string): Promise<boolean> {
    const updated = await this.table.update(id, (s) => ({ ...s, revoked: true }));
    if (updated === null) return false;
    await this.bus.publish(id);
    return true;
  }

  delete(id: string): Promise<boolean> {
    return this.table.delete(id);
  }

  list(page?: PageRequest): Promise<Page<AdminSessionRecord>> {
    return this.table.list(page);
  }

  /** Resolves once listening; returns the unsubscribe. */
  onRevoked(handler: (sessionId: string) => void): Promise<() => Promise<void>> {
    return this.bus.subscribe(handler);
  }
}
