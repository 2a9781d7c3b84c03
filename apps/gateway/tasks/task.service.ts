import { Inject, Injectable } from '@nestjs/common';
import { MeiliError } from '#lib/errors';
import { allowsIndex, type TaskFilterParams, type TaskQueryParams } from '#lib/meili-api';
import type { Store, TaskRecord } from '#lib/store';
import type { Access } from '../auth/access.js';
import { STORE } from '../infra/tokens.js';
import { renderTask } from './task-view.js';
import { AliasService } from '../aliases/alias.service.js';

/** Miroir tasks as clients read them: records in the store, kept by the reconciler. */
@Injectable()
export class TaskService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly aliases: AliasService,
  ) {}

  async get(uid: number, access: Access): Promise<Record<string, unknown>> {
    const task = await this.store.tasks.get(uid);
    if (!task || (task.indexUid !== null && !allowsIndex(access.indexes, task.indexUid))) {
      throw new MeiliError('task_not_found', `Task \`${uid}\` not found.`);
    }
    return renderTask(task);
  }

  async list(query: TaskQueryParams, access: Access): Promise<Record<string, unknown>> {
    const visible = await this.visibleIndexes(access, query.indexUids);
    const page = await this.store.tasks.list({ ...query, indexUids: visible });
    return { ...page, results: page.results.map(renderTask) };
  }

  /** Every task matching Meilisearch's filter that the credential may see. */
  async findMatching(filter: TaskFilterParams, access: Access): Promise<TaskRecord[]> {
    const { batchUids, ...rest } = filter;
    const visible = await this.visibleIndexes(access, rest.indexUids);
    const found: TaskRecord[] = [];
    let from: number | undefined;
    do {
      const page = await this.store.tasks.list({ ...rest, indexUids: visible, limit: 1000, from });
      found.push(...page.results);
      from = page.next ?? undefined;
    } while (from !== undefined);
    // A Miroir task is its own batch once it started (see renderTask).
    return batchUids
      ? found.filter((t) => t.status !== 'enqueued' && batchUids.includes(t.uid))
      : found;
  }

  /** Index filter for a key limited to some indexes: the existing indexes it covers. */
  private async visibleIndexes(
    access: Access,
    requested?: string[],
  ): Promise<string[] | undefined> {
    // An alias in `indexUids` filters on the indexes it points at now.
    if (requested) {
      const resolved: string[] = [];
      for (const uid of requested) resolved.push(...(await this.aliases.resolve(uid, 'search')));
      requested = [...new Set(resolved)];
    }
    if (access.indexes.includes('*')) return requested;
    const all = await this.store.catalog.list();
    const covered = all.map((i) => i.uid).filter((uid) => allowsIndex(access.indexes, uid));
    return requested ? requested.filter((uid) => covered.includes(uid)) : covered;
  }
}
