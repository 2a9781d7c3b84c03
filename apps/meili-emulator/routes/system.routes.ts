/**
 * /health, /version, /stats, /experimental-features, and the answers for what the emulator does
 * not implement (emulator.md §1.3): 400 feature_not_enabled as a real node, else 501.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { MeiliError } from '#lib/errors';
import { canAccessIndex } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import { route } from '../http/route-helpers.js';
import { indexStats } from './indexes.routes.js';
import { emulatorUnsupported } from '../http/unsupported.js';

const EXPERIMENTAL_FEATURES = [
  'metrics',
  'logsRoute',
  'editDocumentsByFunction',
  'containsFilter',
  'network',
  'getTaskDocumentsRoute',
  'compositeEmbedders',
  'chatCompletions',
  'multimodal',
  'vectorStoreSetting',
];

const NOT_ENABLED: Array<[HTTPMethods[], string, string, string]> = [
  [['GET'], '/metrics', 'metrics.get', 'metrics'],
  [['POST', 'DELETE'], '/logs/stream', 'metrics.get', 'logs route'],
  [['POST'], '/logs/stderr', 'metrics.get', 'logs route'],
  [['GET', 'PATCH'], '/network', 'network.get', 'network'],
  [['GET', 'POST', 'PATCH', 'DELETE'], '/chats', 'chats.get', 'chat completions'],
  [['GET', 'POST', 'PATCH', 'DELETE'], '/chats/*', 'chats.get', 'chat completions'],
];

const UNSUPPORTED: Array<[HTTPMethods[], string, string, string]> = [
  [['POST'], '/dumps', 'dumps.create', 'dumps'],
  [['POST'], '/snapshots', 'snapshots.create', 'snapshots'],
  [['POST'], '/export', 'export', 'export'],
  [['GET', 'POST'], '/webhooks', 'webhooks.get', 'webhooks'],
  [['GET', 'PATCH', 'DELETE'], '/webhooks/*', 'webhooks.get', 'webhooks'],
  [['GET'], '/batches', 'tasks.get', 'batches'],
  [['GET'], '/batches/*', 'tasks.get', 'batches'],
  [['GET'], '/tasks/:taskUid/documents', 'tasks.get', 'task documents'],
  [['POST'], '/indexes/:indexUid/compact', 'indexes.compact', 'index compaction'],
  [['POST'], '/indexes/:indexUid/fields', 'fields.post', 'index fields'],
  [['GET', 'POST'], '/indexes/:indexUid/similar', 'search', 'similar documents'],
  [['PATCH'], '/experimental-features', 'experimental.update', 'changing experimental features'],
];

export function registerSystemRoutes(app: FastifyInstance, node: Emulator): void {
  route(app, 'GET', '/health', 'public', () => ({ status: 'available' }));

  route(app, 'GET', '/version', 'version', () => ({
    commitSha: 'unknown',
    commitDate: 'unknown',
    pkgVersion: node.options.pkgVersion,
  }));

  route(app, 'GET', '/stats', 'stats.get', (request) => {
    const see = (uid: string) => canAccessIndex(request.principal, uid);
    const indexes = Object.fromEntries(
      node.state
        .sorted()
        .filter((i) => see(i.uid))
        .map((i) => [i.uid, indexStats(node, i)]),
    );
    const size = Object.values(indexes).reduce(
      (sum, s) => sum + (s.rawDocumentDbSize as number),
      0,
    );
    return {
      databaseSize: size,
      usedDatabaseSize: size,
      lastUpdate: node.state.lastUpdate(see),
      indexes,
    };
  });

  route(app, 'GET', '/experimental-features', 'experimental.get', () =>
    Object.fromEntries(EXPERIMENTAL_FEATURES.map((f) => [f, false])),
  );

  for (const [methods, url, action, feature] of NOT_ENABLED) {
    for (const method of methods) {
      route(app, method, url, action, () => {
        throw new MeiliError(
          'feature_not_enabled',
          `Using the ${feature} requires enabling the corresponding experimental feature.`,
        );
      });
    }
  }
  for (const [methods, url, action, feature] of UNSUPPORTED) {
    for (const method of methods) {
      route(app, method, url, action, () => {
        throw emulatorUnsupported(`The Meilisearch emulator does not support ${feature}.`);
      });
    }
  }
}
