import { Inject, Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import { checkIndexUid } from '#lib/meili-api';
import type { Store } from '#lib/store';
import { BroadcastService } from '../indexes/broadcast.service.js';
import { IndexRegistry } from '../indexes/index-registry.service.js';
import { STORE } from '../infra/tokens.js';
import { TaskService } from '../tasks/task.service.js';
import type { TaskSummary } from '../tasks/task-view.js';

/**
 * `POST /swap-indexes`: nodes swap their indexes (broadcast) and Miroir swaps the metadata and
 * placement tables it keeps for them, in one epoch-checked commit.
 */
@Injectable()
export class SwapService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly registry: IndexRegistry,
    private readonly broadcasts: BroadcastService,
    private readonly tasks: TaskService,
  ) {}

  async swap(body: unknown): Promise<TaskSummary> {
    if (!Array.isArray(body)) {
      throw new MeiliError('bad_request', 'Invalid value type: expected an array of swaps');
    }
    const pairs = body.map((swap, i) => {
      const indexes = (swap as { indexes?: unknown })?.indexes;
      if (!Array.isArray(indexes) || indexes.length !== 2) {
        throw new MeiliError(
          'invalid_swap_indexes',
          `Invalid value at \`[${i}].indexes\`: two index uids are expected`,
        );
      }
      return [checkIndexUid(indexes[0]), checkIndexUid(indexes[1])] as [string, string];
    });
    const details = { swaps: pairs.map((indexes) => ({ indexes, rename: false })) };
    for (const uid of pairs.flat()) {
      if (!(await this.store.indexes.get(uid))) {
        return this.tasks.recordRefused(
          null,
          'indexSwap',
          details,
          new MeiliError('index_not_found', `Index \`${uid}\` not found.`),
        );
      }
    }
    const { summary } = await this.broadcasts.broadcast(null, 'indexSwap', details, {
      method: 'POST',
      path: '/swap-indexes',
      body: pairs.map((indexes) => ({ indexes })),
    });
    for (const [a, b] of pairs) await this.swapMetadata(a, b);
    return summary;
  }

  private async swapMetadata(a: string, b: string): Promise<void> {
    const [ra, rb] = [await this.store.indexes.get(a), await this.store.indexes.get(b)];
    if (!ra || !rb) return;
    for (let attempt = 0; attempt < 10; attempt++) {
      const epoch = await this.store.topology.epoch();
      const [pa, pb] = [
        await this.store.topology.getPlacement(a),
        await this.store.topology.getPlacement(b),
      ];
      if (!pa || !pb) break;
      const strip = ({ epoch: _e, ...p }: typeof pa) => p;
      const result = await this.store.topology.commit(
        { placements: { [a]: strip(pb), [b]: strip(pa) } },
        epoch,
      );
      if (result.ok) break;
    }
    await this.store.indexes.update(a, () => ({ ...rb, uid: a }));
    await this.store.indexes.update(b, () => ({ ...ra, uid: b }));
    this.registry.forget(a);
    this.registry.forget(b);
  }
}
