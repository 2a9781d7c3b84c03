/** Every v1.30 key action name (all accepted), and how the families expand for enforcement. */
export const ACTIONS = [
  '*',
  '*.get',
  'search',
  'documents.*',
  'documents.add',
  'documents.get',
  'documents.delete',
  'indexes.*',
  'indexes.create',
  'indexes.get',
  'indexes.update',
  'indexes.delete',
  'indexes.swap',
  'indexes.compact',
  'tasks.*',
  'tasks.cancel',
  'tasks.delete',
  'tasks.get',
  'settings.*',
  'settings.get',
  'settings.update',
  'stats.*',
  'stats.get',
  'metrics.*',
  'metrics.get',
  'dumps.*',
  'dumps.create',
  'snapshots.*',
  'snapshots.create',
  'version',
  'keys.create',
  'keys.get',
  'keys.update',
  'keys.delete',
  'experimental.get',
  'experimental.update',
  'network.get',
  'network.update',
  'export',
  'chatCompletions',
  'chats.*',
  'chats.get',
  'chats.delete',
  'chatsSettings.*',
  'chatsSettings.get',
  'chatsSettings.update',
  'webhooks.*',
  'webhooks.get',
  'webhooks.create',
  'webhooks.update',
  'webhooks.delete',
  'fields.post',
] as const;

const KNOWN = new Set<string>(ACTIONS);

export function isAction(value: unknown): value is string {
  return typeof value === 'string' && KNOWN.has(value);
}

/** Whether a key holding `granted` may perform `action` (families `x.*`, `*.get` and `*`). */
export function allows(granted: readonly string[], action: string): boolean {
  const family = `${action.split('.')[0]}.*`;
  const isGet = action.endsWith('.get') && !action.startsWith('keys.');
  return granted.some((g) => g === '*' || g === action || g === family || (g === '*.get' && isGet));
}

/** Whether `indexes` (uids, `*`, or `prefix*` patterns) covers `uid`. */
export function allowsIndex(indexes: readonly string[], uid: string): boolean {
  return indexes.some(
    (p) => p === '*' || p === uid || (p.endsWith('*') && uid.startsWith(p.slice(0, -1))),
  );
}
