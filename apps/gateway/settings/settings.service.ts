import { Inject, Injectable } from '@nestjs/common';
import { EventBus } from '#lib/bus';
import { MeiliError } from '#lib/errors';
import {
  applySettingsPatch,
  DEFAULT_SETTINGS,
  parseSettingsPatch,
  parseSettingValue,
  SETTINGS_ROUTES,
  type Settings,
  type SettingsPatch,
} from '#lib/meili-api';
import type { Store } from '#lib/store';
import { toNodeSettingsPatch } from '#lib/writes';
import { BroadcastService } from '../indexes/broadcast.service.js';
import { IndexRegistry } from '../indexes/index-registry.service.js';
import { STORE } from '../infra/tokens.js';
import { TaskService } from '../tasks/task.service.js';
import { missedNodes, type WriteAnswer } from '../http/write-answer.js';

/** Every top-level setting reset at once (DELETE /settings). */
const RESET_ALL = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((k) => [k, null]));

/**
 * Settings: the client's view lives in the store (what GET answers, never the reserved fields);
 * each change is validated as Meilisearch does, stored, and broadcast to nodes with Miroir's
 * reserved settings added back.
 */
@Injectable()
export class SettingsService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly registry: IndexRegistry,
    private readonly broadcasts: BroadcastService,
    private readonly tasks: TaskService,
    private readonly bus: EventBus,
  ) {}

  async get(uid: string, route?: string): Promise<unknown> {
    const settings = (await this.registry.get(uid)).settings as unknown as Settings;
    if (route === undefined) return settings;
    return settings[routeKey(route)];
  }

  update(uid: string, body: unknown): Promise<WriteAnswer> {
    return this.apply(uid, parseSettingsPatch(body));
  }

  updateOne(uid: string, route: string, body: unknown): Promise<WriteAnswer> {
    return this.apply(uid, parseSettingValue(routeKey(route), body));
  }

  reset(uid: string, route?: string): Promise<WriteAnswer> {
    const patch = route === undefined ? RESET_ALL : { [routeKey(route)]: null };
    return this.apply(uid, patch as SettingsPatch);
  }

  private async apply(uid: string, patch: SettingsPatch): Promise<WriteAnswer> {
    const details = patch as Record<string, unknown>;
    const index = await this.store.indexes.get(uid);
    if (!index) {
      // Meilisearch would create the index here; Miroir needs its primary key first.
      const summary = await this.tasks.recordRefused(
        uid,
        'settingsUpdate',
        details,
        new MeiliError(
          'miroir_primary_key_required',
          `Index \`${uid}\` does not exist: create it with its primary key (POST /indexes) before updating its settings.`,
        ),
      );
      return { summary };
    }
    const resulting = applySettingsPatch(index.settings as unknown as Settings, patch);
    const nodePatch = toNodeSettingsPatch(details, {
      filterableAttributes: resulting.filterableAttributes as unknown[],
      faceting: resulting.faceting,
    });
    // Nodes first: a patch every node refuses throws here and leaves the client's view as it was.
    const { summary, missed } = await this.broadcasts.broadcast(uid, 'settingsUpdate', details, {
      method: 'PATCH',
      path: `/indexes/${encodeURIComponent(uid)}/settings`,
      body: nodePatch,
    });
    await this.store.indexes.update(uid, (r) => ({
      ...r,
      settings: applySettingsPatch(r.settings as unknown as Settings, patch) as unknown as Record<
        string,
        unknown
      >,
      settingsVersion: r.settingsVersion + 1,
      updatedAt: new Date().toISOString(),
    }));
    this.registry.forget(uid);
    this.bus.publish('indexes.settings', {
      taskUid: summary.taskUid,
      indexUid: uid,
      settings: details,
    });
    return { summary, degraded: missedNodes(missed) };
  }
}

function routeKey(route: string): keyof Settings {
  const entry = SETTINGS_ROUTES[route];
  if (!entry) throw new MeiliError('not_found', `Unknown settings route \`${route}\`.`);
  return entry.key;
}

export function settingsMethod(route: string): 'PUT' | 'PATCH' | undefined {
  return SETTINGS_ROUTES[route]?.method;
}
