/**
 * The conformance suite: Meilisearch v1.30 behaviours taken from its source and documentation
 * (each case names where), run against Miroir's gateway (3 nodes, RF 2) and against the emulator.
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { CASES } from './cases.js';
import { emulatorTarget, gatewayTarget, type Target } from './target.js';

const TARGETS: [string, () => Promise<Target>][] = [
  ['gateway (3 nodes, RF 2)', gatewayTarget],
  ['emulator', emulatorTarget],
];

describe.each(TARGETS)('conformance: %s', (_name, start) => {
  let target: Target;
  beforeAll(async () => {
    target = await start();
  }, 60_000);
  afterAll(async () => {
    await target?.stop();
  });

  it.each(CASES.map((c) => [`${c.name} — ${c.source}`, c] as const))(
    '%s',
    async (_title, c) => {
      await c.run(target);
    },
    60_000,
  );
});
