import { Inject, Injectable } from '@nestjs/common';
import { LogConflict, LogUnavailable, newMsgId, WriteLog } from '#lib/bus';
import { logSubjects, type LogHeader } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import { taskRecordOf } from '#lib/reconcile';
import type { Store, TaskRecord } from '#lib/store';
import { STORE } from '../infra/tokens.js';
import type { TaskSummary } from '#lib/meili-api';
import { summarise } from '../tasks/task-view.js';

/** Where a message goes: catalog changes, one index's document writes, or task control. */
export type LogTarget =
  { kind: 'meta' } | { kind: 'documents'; index: string } | { kind: 'control' };

export interface Appended {
  seq: number;
  task: TaskRecord;
  summary: TaskSummary;
}

/**
 * The one way a write enters Miroir (replication.md, R2): the message is in the log, acknowledged
 * by JetStream, before the client gets its 202; its task record is stored right after (the
 * reconciler stores it too, from the log, should this process die in between). A write the log
 * refuses is answered 503 `miroir_log_unavailable` and is in no copy's future.
 */
@Injectable()
export class LogAppender {
  constructor(
    private readonly log: WriteLog,
    @Inject(STORE) private readonly store: Store,
  ) {}

  private subject(target: LogTarget): string {
    const names = this.log.names;
    if (target.kind === 'meta') return logSubjects.meta(names);
    if (target.kind === 'control') return logSubjects.control(names);
    return logSubjects.documents(names, target.index);
  }

  /**
   * Appends one task's message. `expectLastMetaSeq` makes it a compare-and-set on the catalog
   * (LogConflict when another catalog change came first).
   */
  async append(
    target: LogTarget,
    header: LogHeader,
    body?: Buffer,
    expectLastMetaSeq?: number,
  ): Promise<Appended> {
    let seq: number;
    try {
      ({ seq } = await this.log.append({
        subject: this.subject(target),
        header,
        body,
        msgId: newMsgId(),
        expectLastSubjectSeq: expectLastMetaSeq,
      }));
    } catch (err) {
      if (err instanceof LogConflict) throw err;
      if (err instanceof LogUnavailable) {
        throw new MeiliError(
          'miroir_log_unavailable',
          'The write log did not accept the write, so it was applied nowhere. Retry the request.',
        );
      }
      throw err;
    }
    const task = taskRecordOf(seq, header);
    await this.store.tasks.create(task); // false: the reconciler stored it first
    return { seq, task, summary: summarise(task) };
  }
}
