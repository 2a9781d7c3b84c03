import { allowsIndex } from '#lib/meili-api';

/** What the credential of one request may reach; attached to the request by the auth guard. */
export interface Access {
  kind: 'open' | 'master' | 'key' | 'tenant';
  /** Index patterns (`*`, uids, `prefix*`) the credential covers. */
  indexes: string[];
  /** Tenant tokens: index pattern → filter AND-ed to every search on matching indexes. */
  searchRules?: Record<string, unknown>;
}

export const FULL_ACCESS: Access = { kind: 'master', indexes: ['*'] };

export function canReach(access: Access, indexUid: string): boolean {
  if (!allowsIndex(access.indexes, indexUid)) return false;
  return access.searchRules === undefined || ruleFor(access, indexUid) !== undefined;
}

/**
 * The tenant-token filter for an index (undefined when no rule covers it; null when the rule has
 * no filter). An exact uid beats a pattern, a longer pattern a shorter one.
 */
export function ruleFor(access: Access, indexUid: string): unknown {
  if (!access.searchRules) return null;
  const matching = Object.keys(access.searchRules)
    .filter((pattern) => allowsIndex([pattern], indexUid))
    .sort((a, b) => (a === indexUid ? -1 : b === indexUid ? 1 : b.length - a.length));
  if (matching.length === 0) return undefined;
  const rule = access.searchRules[matching[0]!];
  if (rule === null || rule === undefined) return null;
  return (rule as { filter?: unknown }).filter ?? null;
}
