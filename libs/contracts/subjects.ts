import type { TaskStatus } from './task-status.js';

/**
 * NATS subjects: the public contract for "subscribe to miroir events" (state.md). Nothing outside
 * this library spells a subject. Builders accept `*` in any token so subscribers can use them too.
 */

/** Every Miroir subject; what the JetStream stream keeps. */
export const SUBJECT_WILDCARD = 'miroir.>';
export const EVENTS_STREAM = 'MIROIR_EVENTS';

export const NODE_STATES = ['joining', 'active', 'draining', 'failed', 'removed'] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** Whether a node's copy serves reads (replication.md, R4 and R7). */
export const COPY_STATES = ['caught-up', 'lagging', 'stale'] as const;
export type CopyState = (typeof COPY_STATES)[number];

/** Index uids, node ids and alias names share Meilisearch's index-uid alphabet, a valid token. */
const TOKEN = /^[A-Za-z0-9_-]{1,400}$/;

/** A subject token; refuses what would change the subject's shape (dots, spaces, `>`). */
export function token(value: string | number): string {
  const s = String(value);
  if (s !== '*' && !TOKEN.test(s)) {
    throw new TypeError(`not a valid subject token: ${JSON.stringify(s)}`);
  }
  return s;
}

export const subjects = {
  documentsWritten: (index: string) => `miroir.documents.${token(index)}.written`,
  documentsDeleted: (index: string) => `miroir.documents.${token(index)}.deleted`,
  indexCreated: (index: string) => `miroir.indexes.${token(index)}.created`,
  indexUpdated: (index: string) => `miroir.indexes.${token(index)}.updated`,
  indexDeleted: (index: string) => `miroir.indexes.${token(index)}.deleted`,
  indexSettings: (index: string) => `miroir.indexes.${token(index)}.settings`,
  task: (uid: number | '*', status: TaskStatus | '*') => {
    if (uid !== '*' && !(Number.isSafeInteger(uid) && uid >= 0)) {
      throw new TypeError(`not a task uid: ${uid}`);
    }
    return `miroir.tasks.${token(uid)}.${token(status)}`;
  },
  topologyChanged: () => 'miroir.topology.changed',
  node: (id: string, state: NodeState | CopyState | '*') =>
    `miroir.nodes.${token(id)}.${token(state)}`,
  rebalancePlanned: () => 'miroir.rebalance.planned',
  rebalanceProgress: () => 'miroir.rebalance.progress',
  rebalanceCompleted: () => 'miroir.rebalance.completed',
  rebalanceFailed: () => 'miroir.rebalance.failed',
  aliasFlipped: (name: string) => `miroir.aliases.${token(name)}.flipped`,
  keysRotated: (index: string) => `miroir.keys.${token(index)}.rotated`,
  nodeKeyRotated: () => 'miroir.node-key.rotated',
} as const;

/** Whether a concrete subject matches a pattern with `*` (one token) and `>` (the rest). */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
