import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LogConflict, WriteLog } from '#lib/bus';
import { logSubjects, type CatalogRecord, type LogHeader, type LogOp } from '#lib/contracts';
import { MeiliError, type ErrorObject } from '#lib/errors';
import type { Store } from '#lib/store';
import { applyCatalogChange } from '#lib/replication';
import { STORE } from '../infra/tokens.js';
import { LogAppender, type Appended } from '../writes/log-appender.service.js';

/** What a task looks like in the log, before its position is known. */
export interface TaskHead {
  type: string;
  indexUid: string | null;
  details: Record<string, unknown> | null;
}

/** The catalog as a decision sees it: one consistent position. */
export interface CatalogView {
  seq: number;
  get(uid: string): Promise<CatalogRecord | null>;
  /** A node-side index uid no index ever had, derived from the client uid. */
  freshNodeUid(uid: string): Promise<string>;
}

export type CatalogDecision =
  /** The change: records after it, node indexes it deletes, what nodes do, and a body. */
  | {
      kind: 'change';
      records: Record<string, CatalogRecord | null>;
      dropped?: string[];
      op: LogOp;
      body?: Buffer;
      /** Placements of node-side indexes the change creates (committed already). */
      placements?: NonNullable<LogHeader['catalog']>['placements'];
    }
  /** Refused on the catalog's state: a failed task, as one node's would be. */
  | { kind: 'refuse'; error: MeiliError };

const CACHE_MS = 500;
const MAX_ATTEMPTS = 30;

/**
 * The index catalog: reads (cached briefly), and every change of it as a compare-and-set on the
 * log's meta subject (replication.md). A change is decided on the catalog at position P and appended
 * only if P is still the last catalog change in the log; otherwise the catalog catches up with the
 * log and the change is decided again. The catalog store is a fold of those messages, so two
 * gateways deciding at once never both win, and a gateway that dies after appending leaves a
 * message the next reader applies.
 */
@Injectable()
export class CatalogService {
  private readonly cache = new Map<string, { record: CatalogRecord | null; at: number }>();
  /** When the log no longer holds the catalog's last change (expired), what it holds instead. */
  private expected: { base: number; last: number } | null = null;

  constructor(
    private readonly log: WriteLog,
    @Inject(STORE) private readonly store: Store,
    private readonly appender: LogAppender,
  ) {}

  async find(uid: string): Promise<CatalogRecord | null> {
    const hit = this.cache.get(uid);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.record;
    const record = await this.store.catalog.get(uid);
    this.cache.set(uid, { record, at: Date.now() });
    return record;
  }

  async get(uid: string): Promise<CatalogRecord> {
    const record = await this.find(uid);
    if (!record) throw indexNotFound(uid);
    return record;
  }

  list(): Promise<CatalogRecord[]> {
    return this.store.catalog.list();
  }

  forget(uid: string): void {
    this.cache.delete(uid);
  }

  /** Applies the log's catalog changes the store does not have yet; returns the new position. */
  async catchUp(): Promise<number> {
    const subject = logSubjects.meta(this.log.names);
    let seq = await this.store.catalog.seq();
    for (;;) {
      const m = await this.log.nextOn(subject, seq);
      if (!m?.header.catalog) return seq;
      const c = m.header.catalog;
      await applyCatalogChange(this.store, m.seq, c);
      for (const uid of Object.keys(c.records)) this.forget(uid);
      seq = m.seq;
    }
  }

  /**
   * Decides and appends one catalog change (or a refusal). `decide` may run several times: it must
   * only read through the view it is given.
   */
  async change(
    task: TaskHead,
    decide: (view: CatalogView) => Promise<CatalogDecision>,
  ): Promise<Appended> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const base = await this.store.catalog.seq();
      const view: CatalogView = {
        seq: base,
        get: (uid) => this.store.catalog.get(uid),
        freshNodeUid: (uid) => this.freshNodeUid(uid),
      };
      const decision = await decide(view);
      const enqueuedAt = new Date().toISOString();
      if (decision.kind === 'refuse') {
        return this.refuse(task, decision.error, enqueuedAt);
      }
      const header: LogHeader = {
        v: 1,
        task: { ...task, enqueuedAt },
        op: decision.op,
        catalog: {
          prevSeq: base,
          records: decision.records,
          dropped: decision.dropped ?? [],
          ...(decision.placements ? { placements: decision.placements } : {}),
        },
      };
      const expect = this.expected?.base === base ? this.expected.last : base;
      let appended: Appended;
      try {
        appended = await this.appender.append({ kind: 'meta' }, header, decision.body, expect);
      } catch (err) {
        if (!(err instanceof LogConflict)) throw err;
        const caught = await this.catchUp();
        if (caught === base) {
          // Nothing newer to apply, yet the log disagrees: its copy of our last change expired.
          this.expected = {
            base,
            last: await this.log.lastSeqOn(logSubjects.meta(this.log.names)),
          };
        }
        continue;
      }
      await applyCatalogChange(this.store, appended.seq, header.catalog!);
      for (const uid of Object.keys(decision.records)) this.forget(uid);
      return appended;
    }
    throw new MeiliError('miroir_not_ready', 'The index catalog kept changing; retry the request.');
  }

  /** A task refused at the door: in the log (it has a uid, as on one node), failed, nothing to do. */
  refuse(
    task: TaskHead,
    error: MeiliError,
    enqueuedAt = new Date().toISOString(),
  ): Promise<Appended> {
    const header: LogHeader = {
      v: 1,
      task: { ...task, enqueuedAt, error: error.toJSON() as ErrorObject },
      op: { kind: 'none' },
    };
    const target =
      task.indexUid !== null && VALID_UID.test(task.indexUid)
        ? ({ kind: 'documents', index: task.indexUid } as const)
        : ({ kind: 'control' } as const);
    return this.appender.append(target, header);
  }

  /**
   * The client uid itself when no node-side index ever had it, else the uid with a counter (names
   * that would pass Meilisearch's 400-byte limit are shortened with a hash).
   */
  private async freshNodeUid(uid: string): Promise<string> {
    const base = uid.length > 380 ? `${uid.slice(0, 360)}-${hash(uid)}` : uid;
    if ((await this.store.catalog.nodeIndex(uid)) === null) return uid;
    for (let n = 2; ; n++) {
      const candidate = `${base}-${n}`;
      if ((await this.store.catalog.nodeIndex(candidate)) === null) return candidate;
    }
  }
}

const VALID_UID = /^[A-Za-z0-9_-]{1,400}$/;

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function indexNotFound(uid: string): MeiliError {
  return new MeiliError('index_not_found', `Index \`${uid}\` not found.`);
}

/** The index object of GET /indexes. */
export function renderIndex(record: CatalogRecord): Record<string, unknown> {
  return {
    uid: record.uid,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    primaryKey: record.primaryKey,
  };
}
