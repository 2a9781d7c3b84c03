/**
 * Timings of the rebalancer. Defaults follow operations.md ("Node health": probe every 5 s with a
 * 2 s timeout); the command line may shorten them (tests, drills): `--probe-interval-ms N`,
 * `--probe-timeout-ms N`, `--lease-ttl-ms N`. Not configuration keys: `libs/config` has none for
 * them yet, and it is the only reader of the environment.
 */
export interface RebalancerTimings {
  probeIntervalMs: number;
  probeTimeoutMs: number;
  leaseTtlMs: number;
}

export const DEFAULT_TIMINGS: RebalancerTimings = {
  probeIntervalMs: 5000,
  probeTimeoutMs: 2000,
  leaseTtlMs: 10_000,
};

const FLAGS: Record<string, keyof RebalancerTimings> = {
  '--probe-interval-ms': 'probeIntervalMs',
  '--probe-timeout-ms': 'probeTimeoutMs',
  '--lease-ttl-ms': 'leaseTtlMs',
};

/** Parses the flags above; throws with the flag's name on anything else. */
export function parseTimings(argv: readonly string[]): RebalancerTimings {
  const timings = { ...DEFAULT_TIMINGS };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const key = FLAGS[flag];
    if (!key) throw new Error(`unknown argument ${flag} (known: ${Object.keys(FLAGS).join(', ')})`);
    const value = argv[i + 1];
    if (
      value === undefined ||
      !/^\d+$/.test(value) ||
      Number(value) < 1 ||
      Number(value) > 600_000
    ) {
      throw new Error(`${flag}: must be an integer between 1 and 600000`);
    }
    timings[key] = Number(value);
  }
  return timings;
}
