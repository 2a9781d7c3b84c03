import { Inject, Injectable } from '@nestjs/common';
import type { LogHeader, LogOp } from '#lib/contracts';
import { parseTaskFilter, requireTaskFilter, type Query } from '#lib/meili-api';
import { isTerminal } from '#lib/reconcile';
import type { Store } from '#lib/store';
import type { Access } from '../auth/access.js';
import { STORE } from '../infra/tokens.js';
import { LogAppender } from '../writes/log-appender.service.js';
import { TaskService } from './task.service.js';
import type { TaskSummary } from '#lib/meili-api';

/**
 * POST /tasks/cancel and DELETE /tasks as tasks of the log. Cancel is all or nothing
 * (replication.md): a matched task is canceled only if no node writer has started it, and then it
 * is skipped on every copy; the gate decides, atomically, for both sides. Deletions remove the
 * finished records when the reconciler processes the task.
 */
@Injectable()
export class TaskControlService {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly tasks: TaskService,
    private readonly appender: LogAppender,
  ) {}

  async cancel(query: Query, rawQuery: string, access: Access): Promise<TaskSummary> {
    requireTaskFilter(query, 'cancel');
    const matched = await this.tasks.findMatching(parseTaskFilter(query), access);
    const targets = matched.filter((t) => !isTerminal(t.status)).map((t) => t.uid);
    const appended = await this.append('taskCancelation', {
      details: { matchedTasks: matched.length, canceledTasks: null, originalFilter: rawQuery },
      op: { kind: 'cancelTasks', uids: targets },
    });
    await this.store.writers.cancel(targets, appended.task.uid);
    return appended.summary;
  }

  async delete(query: Query, rawQuery: string, access: Access): Promise<TaskSummary> {
    requireTaskFilter(query, 'delete');
    const matched = await this.tasks.findMatching(parseTaskFilter(query), access);
    const finished = matched.filter((t) => isTerminal(t.status)).map((t) => t.uid);
    return (
      await this.append('taskDeletion', {
        details: { matchedTasks: matched.length, deletedTasks: null, originalFilter: rawQuery },
        op: { kind: 'deleteTasks', uids: finished },
      })
    ).summary;
  }

  private append(type: string, p: { details: Record<string, unknown>; op: LogOp }) {
    const header: LogHeader = {
      v: 1,
      task: { type, indexUid: null, details: p.details, enqueuedAt: new Date().toISOString() },
      op: p.op,
    };
    return this.appender.append({ kind: 'control' }, header);
  }
}
