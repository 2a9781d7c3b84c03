/** One change made through the admin API (the admin console's activity log): who, what, when. */
export interface ActivityRecord {
  id: string;
  /** RFC 3339 UTC. */
  at: string;
  /** `console session <id prefix>` or `admin key`. */
  actor: string;
  ip: string | null;
  method: string;
  /** The route's template, e.g. `/_miroir/nodes/:id/drain`. */
  route: string;
  /** The path asked for, e.g. `/_miroir/nodes/meili-2/drain`. */
  path: string;
  /** The HTTP status answered. */
  status: number;
}

/** How long the activity log keeps an entry. */
export const ACTIVITY_TTL_MS = 30 * 24 * 3600_000;
