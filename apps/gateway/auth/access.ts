import { allowsIndex, tenantFilter } from '#lib/meili-api';

/** What the credential of one request may reach; attached to the request by the auth guard. */
export interface Access {
  kind: 'open' | 'master' | 'key' | 'tenant' | 'ui';
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

/** The tenant-token filter for an index (see `tenantFilter`); null for other credentials. */
export function ruleFor(access: Access, indexUid: string): unknown {
  return access.searchRules ? tenantFilter(access.searchRules, indexUid) : null;
}
