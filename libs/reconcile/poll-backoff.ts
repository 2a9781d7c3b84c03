/** Node polling: 25 ms, doubling, capped at 1 s (the contract). */
export const FIRST_POLL_MS = 25;
export const MAX_POLL_MS = 1000;

/** Delay before poll number `attempt` (0-based) since the last change. */
export function pollDelayMs(attempt: number): number {
  if (!Number.isFinite(attempt) || attempt <= 0) return FIRST_POLL_MS;
  return Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.min(attempt, 16));
}
