/** /indexes/{uid}/settings and its sub-routes (emulator.md §3); validation is the engine's. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  DEFAULT_SETTINGS,
  parseSettingsPatch,
  parseSettingValue,
  SETTINGS_ROUTES,
  type Settings,
  type SettingsPatch,
} from '../engine/index.js';
import { checkAction } from '../auth/auth.js';
import type { Emulator } from '../emulator.js';
import { jsonBody } from '#lib/meili-api';
import { accepted, indexParam, route } from '../http/route-helpers.js';
import { refuseEmbedders } from '../http/unsupported.js';

export function registerSettingsRoutes(app: FastifyInstance, node: Emulator): void {
  const update = (
    request: FastifyRequest,
    reply: Parameters<typeof accepted>[0],
    patch: SettingsPatch,
  ) => {
    refuseEmbedders(patch);
    const uid = indexParam(request);
    if (!node.state.indexes.has(uid)) checkAction(request.principal, 'indexes.create');
    const details = patch as Record<string, unknown>;
    return accepted(
      reply,
      node.enqueue('settingsUpdate', uid, details, { kind: 'settings', patch }),
    );
  };
  const body = (request: FastifyRequest) => jsonBody(request.headers, request.body);

  route(
    app,
    'GET',
    '/indexes/:indexUid/settings',
    'settings.get',
    (request) => node.state.get(indexParam(request)).engine.settings,
  );
  route(app, 'PATCH', '/indexes/:indexUid/settings', 'settings.update', (request, reply) => {
    indexParam(request);
    return update(request, reply, parseSettingsPatch(body(request)));
  });
  route(app, 'DELETE', '/indexes/:indexUid/settings', 'settings.update', (request, reply) => {
    const reset = Object.fromEntries(
      Object.keys(DEFAULT_SETTINGS).map((key) => [key, null]),
    ) as SettingsPatch;
    return update(request, reply, reset);
  });

  for (const [segment, { key, method }] of Object.entries(SETTINGS_ROUTES)) {
    const url = `/indexes/:indexUid/settings/${segment}`;
    route(
      app,
      'GET',
      url,
      'settings.get',
      // Every value is JSON, strings and null too (routes/indexes/settings.rs: `.json(...)`).
      (request, reply) =>
        reply
          .type('application/json; charset=utf-8')
          .send(
            JSON.stringify(
              node.state.get(indexParam(request)).engine.settings[key as keyof Settings] ?? null,
            ),
          ),
    );
    route(app, method, url, 'settings.update', (request, reply) => {
      indexParam(request);
      return update(request, reply, parseSettingValue(key, body(request)));
    });
    route(app, 'DELETE', url, 'settings.update', (request, reply) =>
      update(request, reply, { [key]: null } as SettingsPatch),
    );
  }
}
