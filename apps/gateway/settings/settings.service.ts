import { Injectable } from '@nestjs/common';
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
import { refuseReservedSettings, toNodeSettingsPatch } from '#lib/writes';
import { CatalogService } from '../indexes/catalog.service.js';
import { IndexService, touched } from '../indexes/index.service.js';
import type { TaskSummary } from '#lib/meili-api';

/** Every top-level setting reset at once (DELETE /settings). */
const RESET_ALL = Object.fromEntries(Object.keys(DEFAULT_SETTINGS).map((k) => [k, null]));

/**
 * Settings: the client's view lives in the catalog (what GET answers, never the reserved fields);
 * each change is validated as Meilisearch does, then decided on the catalog and appended in one
 * compare-and-set, so two updates at once reach every node, and the catalog, in one order. As on
 * Meilisearch, an update of a missing index creates it.
 */
@Injectable()
export class SettingsService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly indexes: IndexService,
  ) {}

  async get(uid: string, route?: string): Promise<unknown> {
    const settings = (await this.catalog.get(uid)).settings as unknown as Settings;
    if (route === undefined) return settings;
    return settings[routeKey(route)];
  }

  update(uid: string, body: unknown): Promise<TaskSummary> {
    return this.apply(uid, parseSettingsPatch(body));
  }

  updateOne(uid: string, route: string, body: unknown): Promise<TaskSummary> {
    return this.apply(uid, parseSettingValue(routeKey(route), body));
  }

  reset(uid: string, route?: string): Promise<TaskSummary> {
    const patch = route === undefined ? RESET_ALL : { [routeKey(route)]: null };
    return this.apply(uid, patch as SettingsPatch);
  }

  private async apply(uid: string, patch: SettingsPatch): Promise<TaskSummary> {
    const details = patch as Record<string, unknown>;
    refuseReservedSettings(details);
    const embedders = details.embedders;
    if (embedders && typeof embedders === 'object' && Object.keys(embedders).length > 0) {
      throw new MeiliError(
        'miroir_unsupported',
        'Miroir does not route embedders or vector search.',
      );
    }
    const task = { type: 'settingsUpdate', indexUid: uid, details };
    const appended = await this.catalog.change(task, async (view) => {
      const record = await view.get(uid);
      const current = (record?.settings ?? DEFAULT_SETTINGS) as unknown as Settings;
      const resulting = applySettingsPatch(current, patch);
      const nodePatch = toNodeSettingsPatch(details, {
        filterableAttributes: resulting.filterableAttributes as unknown[],
        faceting: resulting.faceting,
      });
      const settings = resulting as unknown as Record<string, unknown>;
      if (!record) {
        return this.indexes.creation(view, uid, null, {
          settings,
          settingsVersion: 1,
          nodeSettings: nodePatch,
        });
      }
      return {
        kind: 'change',
        records: {
          [uid]: { ...touched(record), settings, settingsVersion: record.settingsVersion + 1 },
        },
        op: { kind: 'settings', index: { uid, nodeUid: record.nodeUid }, patch: nodePatch },
      };
    });
    return appended.summary;
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
