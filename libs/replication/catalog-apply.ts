import type { LogHeader } from '#lib/contracts';
import type { CatalogApply, Store } from '#lib/store';

/**
 * Applies one meta message's catalog change to the store: the records, the node indexes it ends,
 * and the placements it creates where the store has none (so a store that came back empty is
 * rebuilt from the log). Every process that reads the log applies it the same way.
 */
export async function applyCatalogChange(
  store: Store,
  seq: number,
  catalog: NonNullable<LogHeader['catalog']>,
): Promise<CatalogApply> {
  for (const [nodeUid, placement] of Object.entries(catalog.placements ?? {})) {
    for (let attempt = 0; attempt < 10; attempt++) {
      if (await store.topology.getPlacement(nodeUid)) break;
      const epoch = await store.topology.epoch();
      if ((await store.topology.commit({ placements: { [nodeUid]: placement } }, epoch)).ok) break;
    }
  }
  return store.catalog.apply({
    seq,
    prevSeq: catalog.prevSeq,
    records: catalog.records,
    dropped: catalog.dropped,
  });
}
