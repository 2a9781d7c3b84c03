import type { NodeState } from '#lib/routing';

/**
 * The node health state machine of operations.md ("Node health"), pure: the prober feeds it one
 * probe at a time and executes the transition it returns (store it, publish it).
 *
 * `active → failed` after `failAfter` consecutive failed probes; `failed → active` after
 * `recoverAfter` consecutive successful ones. Whether a node that missed writes may serve reads is
 * its copy's state, kept by its writer (replication.md, R4), not its health. Lifecycle states
 * (`joining`, `draining`, `removed`) belong to the add/drain/remove flows: probes only count there.
 */

export interface HealthState {
  state: NodeState;
  /** Consecutive failed probes (0 after a success). */
  failures: number;
  /** Consecutive successful probes (0 after a failure). */
  successes: number;
  /** Time (ms) of the last successful probe; null before the first. */
  lastSeen: number | null;
  /** The last probe's error; null once a probe succeeds. */
  error: string | null;
}

export type ProbeResult = { ok: true } | { ok: false; error: string };

export interface Transition {
  from: NodeState;
  to: NodeState;
  /** The error behind a move to `failed`; null otherwise. */
  error: string | null;
}

export interface HealthStep {
  health: HealthState;
  transition?: Transition;
}

export interface HealthThresholds {
  failAfter: number;
  recoverAfter: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = { failAfter: 3, recoverAfter: 2 };

/** Where counting starts for a node read from the topology (a new leader knows no history). */
export function initialHealth(
  state: NodeState,
  lastSeen: number | null = null,
  error: string | null = null,
): HealthState {
  return { state, failures: 0, successes: 0, lastSeen, error };
}

export function nextHealth(
  health: HealthState,
  probe: ProbeResult,
  now: number,
  thresholds: HealthThresholds = DEFAULT_THRESHOLDS,
): HealthStep {
  if (!probe.ok) {
    const counted: HealthState = {
      ...health,
      failures: health.failures + 1,
      successes: 0,
      error: probe.error,
    };
    if (health.state === 'active' && counted.failures >= thresholds.failAfter) {
      return {
        health: { ...counted, state: 'failed' },
        transition: { from: 'active', to: 'failed', error: probe.error },
      };
    }
    return { health: counted };
  }
  const counted: HealthState = {
    ...health,
    failures: 0,
    successes: health.successes + 1,
    lastSeen: now,
    error: null,
  };
  if (health.state === 'failed' && counted.successes >= thresholds.recoverAfter) {
    return {
      health: { ...counted, state: 'active' },
      transition: { from: 'failed', to: 'active', error: null },
    };
  }
  return { health: counted };
}
