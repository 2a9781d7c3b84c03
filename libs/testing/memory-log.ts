import type { LogAppend } from '#lib/bus';
import { logNames, type LogHeader } from '#lib/contracts';
import { applyPlacementChange } from '#lib/routing';
import type { Store } from '#lib/store';

/**
 * A write log for unit tests of what appends to it: keeps each append, and stores an append
 * repeated with the same id once (as JetStream's de-duplication does). Given a store, it also
 * commits each placement step as node writers do, in log order.
 */
export class MemoryWriteLog {
  readonly names = logNames('test');
  readonly messages: { seq: number; header: LogHeader; msgId: string }[] = [];

  constructor(private readonly writerStore?: Store) {}

  async append(a: LogAppend): Promise<{ seq: number; duplicate: boolean }> {
    const found = this.messages.find((m) => m.msgId === a.msgId);
    if (found) return { seq: found.seq, duplicate: true };
    const seq = this.messages.length + 1;
    this.messages.push({ seq, header: a.header, msgId: a.msgId });
    const op = a.header.op;
    if (this.writerStore && op.kind === 'placement') {
      const placement = await this.writerStore.topology.getPlacement(op.index.nodeUid);
      if (placement) {
        const { epoch: _e, ...next } = applyPlacementChange(placement, op.change, seq);
        const epoch = await this.writerStore.topology.epoch();
        const result = await this.writerStore.topology.commit(
          { placements: { [op.index.nodeUid]: next } },
          epoch,
        );
        if (!result.ok) throw new Error('placement changed under the memory log');
      }
    }
    return { seq, duplicate: false };
  }

  async state() {
    return { firstSeq: 1, lastSeq: this.messages.length, messages: 0, bytes: 0, lastTime: 0 };
  }

  /** The placement steps appended, as `step node`. */
  steps(): string[] {
    return this.messages.flatMap(({ header: { op } }) =>
      op.kind === 'placement' ? [`${op.change.step} ${op.change.node}`] : [],
    );
  }
}
