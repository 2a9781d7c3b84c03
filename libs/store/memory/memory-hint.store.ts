import type { HintBatch, HintStore } from '../ports/hint.port.js';

const DEFAULT_HINT_PAGE = 100;

export class MemoryHintStore implements HintStore {
  private seq = 0;
  /** node → batches in sequence order (appends only ever grow the sequence). */
  private readonly queues = new Map<string, HintBatch[]>();

  async append(batch: Omit<HintBatch, 'seq'>): Promise<number> {
    const seq = ++this.seq;
    const stored = JSON.parse(JSON.stringify({ ...batch, seq })) as HintBatch;
    const q = this.queues.get(batch.nodeId) ?? [];
    q.push(stored);
    this.queues.set(batch.nodeId, q);
    return seq;
  }

  async pending(nodeId: string, limit = DEFAULT_HINT_PAGE): Promise<HintBatch[]> {
    if (!Number.isInteger(limit) || limit <= 0) return [];
    return (this.queues.get(nodeId) ?? [])
      .slice(0, limit)
      .map((b) => JSON.parse(JSON.stringify(b)) as HintBatch);
  }

  async ack(nodeId: string, seq: number): Promise<boolean> {
    const q = this.queues.get(nodeId);
    const i = q?.findIndex((b) => b.seq === seq) ?? -1;
    if (!q || i < 0) return false;
    q.splice(i, 1);
    if (q.length === 0) this.queues.delete(nodeId);
    return true;
  }

  async count(nodeId: string): Promise<number> {
    return this.queues.get(nodeId)?.length ?? 0;
  }

  async nodes(): Promise<string[]> {
    return [...this.queues.keys()].sort();
  }
}
