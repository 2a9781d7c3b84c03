import type { CanaryRun, CanaryRunStore } from '../ports/counter.port.js';
import { CANARY_RUNS_KEPT } from '../ports/counter.port.js';

export class MemoryCanaryRunStore implements CanaryRunStore {
  private readonly runs = new Map<string, string[]>();

  async record(run: CanaryRun): Promise<void> {
    const list = this.runs.get(run.canaryId) ?? [];
    list.unshift(JSON.stringify(run));
    list.length = Math.min(list.length, CANARY_RUNS_KEPT);
    this.runs.set(run.canaryId, list);
  }

  async recent(canaryId: string, limit = CANARY_RUNS_KEPT): Promise<CanaryRun[]> {
    if (!Number.isInteger(limit) || limit <= 0) return [];
    return (this.runs.get(canaryId) ?? []).slice(0, limit).map((r) => JSON.parse(r) as CanaryRun);
  }

  async clear(canaryId: string): Promise<void> {
    this.runs.delete(canaryId);
  }
}
