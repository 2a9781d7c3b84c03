import type { PartOutcome, TaskGate, WriterStatus, WriterStore } from '../ports/writer.port.js';
import type { MemoryLeaseStore } from './memory-lease.store.js';
import { StaleFenceError, type Fence } from '../fence.js';

/** Writer state in maps: the reference semantics the Redis adapter must match. */
export class MemoryWriterStore implements WriterStore {
  private readonly statuses = new Map<string, string>();
  private readonly parts = new Map<number, Map<string, string>>();
  private readonly gateMap = new Map<number, { started: boolean; canceledBy: number | null }>();

  constructor(private readonly leases: MemoryLeaseStore) {}

  async get(nodeId: string): Promise<WriterStatus | null> {
    const raw = this.statuses.get(nodeId);
    return raw === undefined ? null : (JSON.parse(raw) as WriterStatus);
  }

  async list(): Promise<WriterStatus[]> {
    return [...this.statuses.keys()].sort().map((id) => JSON.parse(this.statuses.get(id)!));
  }

  private changeCount = 0;

  async put(status: WriterStatus, fence?: Fence): Promise<void> {
    if (fence && !(await this.leases.isCurrent(fence))) throw new StaleFenceError(fence);
    this.statuses.set(status.nodeId, JSON.stringify(status));
    this.changeCount++;
  }

  async changes(): Promise<number> {
    return this.changeCount;
  }

  async remove(nodeId: string): Promise<void> {
    this.statuses.delete(nodeId);
  }

  async recordOutcomes(
    nodeId: string,
    outcomes: ReadonlyArray<{ uid: number; outcome: PartOutcome }>,
  ): Promise<void> {
    for (const { uid, outcome } of outcomes) {
      let byNode = this.parts.get(uid);
      if (!byNode) this.parts.set(uid, (byNode = new Map()));
      byNode.set(nodeId, JSON.stringify(outcome));
    }
  }

  async outcomes(uid: number): Promise<Record<string, PartOutcome>> {
    const byNode = this.parts.get(uid);
    if (!byNode) return {};
    return Object.fromEntries([...byNode].map(([n, raw]) => [n, JSON.parse(raw) as PartOutcome]));
  }

  async dropOutcomes(uids: readonly number[]): Promise<void> {
    for (const uid of uids) this.parts.delete(uid);
  }

  private readonly breaks = new Map<string, string>();

  async breakCopy(nodeId: string, reason: string): Promise<void> {
    if (!this.breaks.has(nodeId)) this.breaks.set(nodeId, reason);
  }

  async copyBreak(nodeId: string): Promise<string | null> {
    return this.breaks.get(nodeId) ?? null;
  }

  async clearCopyBreak(nodeId: string): Promise<void> {
    this.breaks.delete(nodeId);
  }

  async start(uids: readonly number[]): Promise<Map<number, number>> {
    const canceled = new Map<number, number>();
    for (const uid of uids) {
      const gate = this.gateMap.get(uid);
      if (gate?.canceledBy != null) canceled.set(uid, gate.canceledBy);
      else this.gateMap.set(uid, { started: true, canceledBy: null });
    }
    return canceled;
  }

  async cancel(uids: readonly number[], by: number): Promise<number[]> {
    const done: number[] = [];
    for (const uid of uids) {
      const gate = this.gateMap.get(uid);
      if (gate?.started) continue;
      if (gate?.canceledBy != null) continue;
      this.gateMap.set(uid, { started: false, canceledBy: by });
      done.push(uid);
    }
    return done;
  }

  async gate(uid: number): Promise<{ started: boolean; canceledBy: number | null }> {
    return this.gateMap.get(uid) ?? { started: false, canceledBy: null };
  }

  async gates(uids: readonly number[]): Promise<Map<number, TaskGate>> {
    return new Map(
      uids.map((u) => [u, this.gateMap.get(u) ?? { started: false, canceledBy: null }]),
    );
  }
}
