/**
 * Merges lists that are each in order into one ordered sequence, stopping after `take` items
 * (the merge never reads past the page it needs). Compares list heads only, through a binary heap
 * of list cursors; ties go to the earlier list, so the merge is stable. `accept` may refuse an
 * item (distinct de-duplication): it is consumed without counting toward `take`.
 */
/** What the merge reads of a list: arrays qualify, and so do lists that build items on demand. */
export interface Sequence<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export function kWayMerge<T>(
  lists: readonly Sequence<T>[],
  compare: (a: T, b: T) => number,
  take: number,
  accept: (item: T) => boolean = () => true,
): T[] {
  const out: T[] = [];
  if (take <= 0) return out;
  const pos = lists.map(() => 0);
  const heap: number[] = [];
  const before = (i: number, j: number) => {
    const c = compare(lists[i]!.at(pos[i]!)!, lists[j]!.at(pos[j]!)!);
    return c < 0 || (c === 0 && i < j);
  };
  const down = (k: number) => {
    for (;;) {
      const l = 2 * k + 1;
      if (l >= heap.length) return;
      const r = l + 1;
      const m = r < heap.length && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[m]!, heap[k]!)) return;
      [heap[m], heap[k]] = [heap[k]!, heap[m]!];
      k = m;
    }
  };
  for (let i = 0; i < lists.length; i++) if (lists[i]!.length > 0) heap.push(i);
  for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k);

  while (heap.length > 0 && out.length < take) {
    const i = heap[0]!;
    const item = lists[i]!.at(pos[i]!)!;
    if (accept(item)) out.push(item);
    pos[i] = pos[i]! + 1;
    if (pos[i]! >= lists[i]!.length) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    down(0);
  }
  return out;
}
