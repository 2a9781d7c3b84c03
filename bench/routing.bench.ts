import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  balancedPlacement,
  minimumMoves,
  planRebalance,
  routeDocuments,
  targetPlacement,
  type Topology,
} from '#lib/routing';

const topology = (ids: string[]): Topology => ({
  nodes: ids.map((id) => ({ id, url: `http://${id}:7700`, group: '0', state: 'active' })),
  replicationFactor: 2,
  epoch: 1,
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Route a 10k-document batch (shard + targets) and plan a 4th node for S=64 over 3 nodes. */
export async function run(): Promise<Record<string, unknown>> {
  const placement = targetPlacement(topology(['meili-0', 'meili-1', 'meili-2']), 64);
  const pks = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? `product-${i}` : i));
  for (let i = 0; i < 20; i++) routeDocuments(pks, placement); // warm up the JIT

  const routeMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    routeDocuments(pks, placement);
    routeMs.push(performance.now() - t0);
  }

  // What the rebalancer plans when a 4th node joins: the even target from the current placement
  // (`planRebalance`), every move at once.
  const three = topology(['meili-0', 'meili-1', 'meili-2']);
  const four = topology(['meili-0', 'meili-1', 'meili-2', 'meili-3']);
  const plan = () =>
    planRebalance({
      topology: four,
      placements: { bench: balancedPlacement(three, 64) },
      busy: new Map(),
      readable: () => true,
      room: 1000,
    });
  const planMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    plan();
    planMs.push(performance.now() - t0);
  }
  const moves = plan().moves.length;
  const minimum = minimumMoves(four, { bench: balancedPlacement(three, 64) });

  return {
    'route 10k documents, S=64, RF 2 (ms, median)': round(median(routeMs)),
    'route 10k documents: target (ms)': 5,
    'plan a 4th node, S=64 over 3 nodes (ms, median)': round(median(planMs)),
    'copies moved by the 4th node / even-spread minimum': `${moves} / ${minimum}`,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await run());
}
