/** Time source for the memory adapter's TTLs and for timestamps; injectable so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
