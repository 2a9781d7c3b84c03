import type {
  AliasRecord,
  AliasStore,
  FlipRequest,
  FlipResult,
  NewAlias,
} from '../ports/alias.port.js';
import { checkRetention } from '../checks.js';
import type { MemoryLeaseStore } from './memory-lease.store.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class MemoryAliasStore implements AliasStore {
  private readonly aliases = new Map<string, AliasRecord>();

  constructor(private readonly leases: MemoryLeaseStore) {}

  async get(name: string): Promise<AliasRecord | null> {
    const a = this.aliases.get(name);
    return a ? clone(a) : null;
  }

  async create(alias: NewAlias): Promise<boolean> {
    if (this.aliases.has(alias.name)) return false;
    this.aliases.set(alias.name, {
      name: alias.name,
      kind: alias.kind,
      targets: [...alias.targets],
      ownerPolicy: alias.ownerPolicy,
      version: 0,
      history: [],
      createdAt: alias.createdAt,
      updatedAt: alias.createdAt,
    });
    return true;
  }

  async flip(name: string, req: FlipRequest): Promise<FlipResult> {
    const retention = checkRetention(req.retention);
    this.leases.assertFence(req.fence);
    const a = this.aliases.get(name);
    if (a === undefined) return { ok: false, reason: 'not_found', version: null };
    if (req.expectedVersion !== undefined && req.expectedVersion !== a.version) {
      return { ok: false, reason: 'version_mismatch', version: a.version };
    }
    a.version += 1;
    a.targets = [...req.targets];
    a.updatedAt = req.flippedAt;
    a.history.unshift({
      version: a.version,
      targets: [...req.targets],
      flippedAt: req.flippedAt,
      actor: req.actor,
    });
    a.history.length = Math.min(a.history.length, retention);
    return { ok: true, alias: clone(a) };
  }

  async delete(name: string): Promise<boolean> {
    return this.aliases.delete(name);
  }

  async list(): Promise<AliasRecord[]> {
    return [...this.aliases.keys()]
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((n) => clone(this.aliases.get(n)!));
  }
}
