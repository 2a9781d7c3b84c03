import { LogGap, type WriteLog } from '#lib/bus';
import { documentPartBodies, logSubjects, type LogHeader } from '#lib/contracts';
import { evaluateFilter, parseFilter } from '#lib/filter';
import { parseExact, stringifyExact } from '#lib/meili-api';
import type { NodeApi } from '#lib/node-client';
import {
  compareCopies,
  contentDigest,
  moveRepairFor,
  repairFor,
  stampPart,
  type CopyListing,
  type Difference,
  type LogFate,
  type RepairAction,
} from '#lib/replication';
import {
  SHARD_FIELD,
  shardTag,
  VERSION_FIELD,
  versionOfTag,
  writeTargets,
  type Placement,
} from '#lib/routing';
import type { Log } from '#lib/service';
import { type CatalogRecord, type CheckedShard, type CheckRecord, type Store } from '#lib/store';
import { memberText, readDocuments } from '#lib/writes';

const PAGE = 1000;
const SHARD_CONCURRENCY = 4;
const SETTLE_TIMEOUT_MS = 30_000;
const SHOWN_DIFFERENCES = 20;

export interface CopyCheckerDeps {
  store: Store;
  nodes: NodeApi;
  log: WriteLog;
  logger: Log;
  timeoutMs: number;
}

/** Nodes filling a copy of the shard (incoming in any group). */
function incomingOf(placement: Placement, shard: number): Set<string> {
  return new Set(Object.values(placement.groups).flatMap((c) => c[shard]?.incoming ?? []));
}

function listingOf(
  nodeId: string,
  pk: string,
  found: Record<string, unknown>[],
  whole: boolean,
): CopyListing {
  const docs = new Map<string, number>();
  const contents = new Map<string, string>();
  for (const doc of found) {
    docs.set(String(doc[pk]), versionOfTag(doc[VERSION_FIELD]) ?? 0);
    if (whole) contents.set(String(doc[pk]), contentDigest(doc));
  }
  return whole ? { nodeId, docs, contents } : { nodeId, docs };
}

/** A fresh check record, as the admin API stores it before the job runs. */
export function newCheck(id: string, indexUid: string, repair: boolean): CheckRecord {
  return {
    id,
    indexUid,
    repair,
    status: 'queued',
    progress: { shardsDone: 0, shards: 0 },
    disagreeingShards: 0,
    disagreements: 0,
    shards: [],
    repairTaskUid: null,
    repaired: null,
    error: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
  };
}

/**
 * The copy checker (replication.md): compares every copy of every shard of an index — document
 * count and a digest of (id, version) — and reports each disagreement; with `repair`, puts every
 * disagreeing document back to its newest version, unless the log says something later happened to
 * it. Repairs go through the log, so each node's single writer applies them in order and only
 * where they hold nothing newer. Copies are read while writes go on: a document that differs only
 * because a write is still on its way is read again once every copy has applied what was in the log.
 */
export class CopyChecker {
  constructor(private readonly d: CopyCheckerDeps) {}

  async run(checkId: string, signal: AbortSignal): Promise<CheckRecord> {
    const record = await this.d.store.checks.get(checkId);
    if (!record) throw new Error(`check ${checkId} is gone`);
    const save = (patch: Partial<CheckRecord>) =>
      this.d.store.checks.update(checkId, (cur) => ({ ...cur, ...patch }));
    try {
      const index = await this.d.store.catalog.get(record.indexUid);
      if (!index) throw new Error(`index \`${record.indexUid}\` not found`);
      const placement = await this.d.store.topology.getPlacement(index.nodeUid);
      if (!placement) throw new Error(`index \`${record.indexUid}\` has no placement`);
      await save({
        status: 'running',
        startedAt: new Date().toISOString(),
        progress: { shardsDone: 0, shards: placement.shards },
      });
      const stale = new Set(
        (await this.d.store.writers.list()).filter((w) => w.state === 'stale').map((w) => w.nodeId),
      );
      const shards: CheckedShard[] = [];
      const differences: Difference[] = [];
      const queue = Array.from({ length: placement.shards }, (_, s) => s);
      const worker = async () => {
        for (let shard = queue.shift(); shard !== undefined; shard = queue.shift()) {
          if (signal.aborted) throw new Error('check interrupted');
          // Incoming copies are still being filled by a migration: only complete copies are compared.
          const nodes = [...new Set(writeTargets(placement, shard).flatMap((t) => t.nodes))]
            .filter((n) => !stale.has(n) && !incomingOf(placement, shard).has(n))
            .sort();
          const result = await this.checkShard(index, nodes, shard);
          shards.push({
            shard,
            copies: result.copies,
            agree: result.differences.length === 0,
            differences: result.differences.slice(0, SHOWN_DIFFERENCES),
          });
          differences.push(...result.differences);
          // Workers finish in any order: progress only moves forward.
          const done = shards.length;
          await this.d.store.checks.update(checkId, (cur) => ({
            ...cur,
            progress: {
              shardsDone: Math.max(cur.progress.shardsDone, done),
              shards: placement.shards,
            },
          }));
        }
      };
      await Promise.all(Array.from({ length: SHARD_CONCURRENCY }, worker));
      shards.sort((a, b) => a.shard - b.shard);
      const patch: Partial<CheckRecord> = {
        shards,
        disagreeingShards: shards.filter((s) => !s.agree).length,
        disagreements: differences.length,
      };
      if (record.repair && differences.length > 0) {
        const repaired = await this.repair(index, differences);
        Object.assign(patch, repaired);
      }
      await save({ ...patch, status: 'succeeded', finishedAt: new Date().toISOString() });
    } catch (err) {
      this.d.logger('error', 'check-failed', { checkId, error: String(err) });
      await save({ status: 'failed', error: String(err), finishedAt: new Date().toISOString() });
    }
    return (await this.d.store.checks.get(checkId))!;
  }

  /**
   * Compares the copies of one shard on `nodes`: ids and versions, or with `whole` also each
   * document's content (a move's last check: a copy can hold a version cut down).
   */
  async checkShard(
    index: CatalogRecord,
    nodes: string[],
    shard: number,
    whole = false,
  ): Promise<{ copies: CheckedShard['copies']; differences: Difference[] }> {
    const listedAt = (await this.d.log.state()).lastSeq;
    const listings = await Promise.all(nodes.map((n) => this.listing(n, index, shard, whole)));
    const first = compareCopies(listings);
    if (first.differences.length === 0) return first;
    // Some copies may not have applied the latest writes yet: look again once they all have.
    await this.waitApplied(nodes, listedAt);
    const ids = first.differences.map((d) => d.id);
    const again = await Promise.all(nodes.map((n) => this.versions(n, index, ids, whole)));
    return { copies: first.copies, differences: compareCopies(again).differences };
  }

  private async waitApplied(nodes: string[], seq: number): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const statuses = await this.d.store.writers.list();
      const behind = nodes.filter(
        (n) => (statuses.find((w) => w.nodeId === n)?.appliedSeq ?? 0) < seq,
      );
      if (behind.length === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Every document of one shard on one copy: id → version (and content digest, `whole`). */
  private async listing(
    nodeId: string,
    index: CatalogRecord,
    shard: number,
    whole: boolean,
  ): Promise<CopyListing> {
    const pk = index.primaryKey ?? 'id';
    const docs = new Map<string, number>();
    const contents = new Map<string, string>();
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.d.nodes.fetchDocuments(
        nodeId,
        index.nodeUid,
        {
          filter: `${SHARD_FIELD} = "${shardTag(shard)}"`,
          ...(whole ? {} : { fields: [pk, VERSION_FIELD] }),
          offset,
          limit: PAGE,
        },
        { timeoutMs: this.d.timeoutMs },
      );
      // Page by page: only ids, versions and digests are kept, never the documents.
      const part = listingOf(nodeId, pk, page.results, whole);
      for (const [id, v] of part.docs) docs.set(id, v);
      for (const [id, c] of part.contents ?? []) contents.set(id, c);
      if (page.results.length < PAGE) return whole ? { nodeId, docs, contents } : { nodeId, docs };
    }
  }

  /** Versions (and content digests, `whole`) of some documents on one copy. */
  private async versions(
    nodeId: string,
    index: CatalogRecord,
    ids: string[],
    whole = false,
  ): Promise<CopyListing> {
    const pk = index.primaryKey ?? 'id';
    const found = await this.fetch(nodeId, index, ids, whole ? undefined : [pk, VERSION_FIELD]);
    return listingOf(nodeId, pk, found, whole);
  }

  private async fetch(
    nodeId: string,
    index: CatalogRecord,
    ids: string[],
    fields?: string[],
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      const chunk = ids.slice(i, i + PAGE);
      const page = await this.d.nodes.fetchDocuments(
        nodeId,
        index.nodeUid,
        // Without fields: whole documents, with the vectors given by the user.
        { ids: chunk, limit: chunk.length, ...(fields ? { fields } : { retrieveVectors: true }) },
        { timeoutMs: this.d.timeoutMs },
      );
      out.push(...page.results);
    }
    return out;
  }

  /**
   * Decides each document's right state (newest version, or what the log did after it), takes the
   * documents to put back from a copy holding that version (or from the log), and appends one
   * repair message for the copies that differ.
   */
  async repair(
    index: CatalogRecord,
    differences: Difference[],
    /**
     * A move's repair: only the target changes, to what the source holds (see `moveRepairFor`),
     * and the message is not a client task.
     */
    migration?: { id: string; source: string; target: string },
  ): Promise<Pick<CheckRecord, 'repairTaskUid' | 'repaired'>> {
    const pk = index.primaryKey ?? 'id';
    let newest: Awaited<ReturnType<CopyChecker['newestDocuments']>>;
    let fates = new Map<string, LogFate>();
    let actions: RepairAction[];
    if (migration) {
      newest = await this.newestDocuments(index, differences, migration.source);
      actions = differences.flatMap(
        (d) => moveRepairFor(d, migration.source, migration.target) ?? [],
      );
    } else {
      newest = await this.newestDocuments(index, differences);
      fates = await this.fates(index, differences, newest);
      actions = differences.map((d) => repairFor(d, fates.get(d.id) ?? { kind: 'none' }));
    }
    const perNode = new Map<
      string,
      { lines: string[]; removals: { id: string; version: number }[] }
    >();
    const entry = (node: string) => {
      let e = perNode.get(node);
      if (!e) perNode.set(node, (e = { lines: [], removals: [] }));
      return e;
    };
    let put = 0;
    let removed = 0;
    for (const found of actions) {
      const action = found;
      if (action.nodes.length === 0) continue;
      if (action.kind === 'remove') {
        for (const n of action.nodes)
          entry(n).removals.push({ id: action.id, version: action.version });
        removed += action.nodes.length;
        continue;
      }
      const fate = fates.get(action.id);
      const text = fate?.kind === 'written' ? fate.text : newest.get(action.id)?.text;
      if (!text) continue; // nowhere to take it from (not on any copy, not in the log)
      for (const n of action.nodes) entry(n).lines.push(text);
      put += action.nodes.length;
    }
    if (perNode.size === 0) return { repairTaskUid: null, repaired: { put: 0, removed: 0 } };
    const nodes = [...perNode].sort(([a], [b]) => (a < b ? -1 : 1));
    const bodies = nodes.map(([, e]) => Buffer.from(e.lines.map((l) => `${l}\n`).join('')));
    const header: LogHeader = {
      v: 1,
      task: {
        type: 'documentAdditionOrUpdate',
        indexUid: index.uid,
        details: { receivedDocuments: put, indexedDocuments: null },
        enqueuedAt: new Date().toISOString(),
      },
      op: {
        kind: 'repair',
        index: { uid: index.uid, nodeUid: index.nodeUid },
        primaryKey: pk,
        ...(migration ? { migration: migration.id } : {}),
        ...(differences.some((d) => d.content) ? { overEqual: true } : {}),
        nodes: nodes.map(([nodeId, e], i) => ({
          nodeId,
          bytes: bodies[i]!.length,
          count: e.lines.length,
          removals: e.removals,
        })),
      },
    };
    const { seq } = await this.d.log.append({
      subject: logSubjects.documents(this.d.log.names, index.uid),
      header,
      body: Buffer.concat(bodies),
      msgId: `repair-${index.nodeUid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    });
    return { repairTaskUid: migration ? null : seq - 1, repaired: { put, removed } };
  }

  /**
   * The newest version of each disagreeing document, as one of the copies holds it (or as `from`
   * holds it, when given).
   */
  private async newestDocuments(
    index: CatalogRecord,
    differences: Difference[],
    from?: string,
  ): Promise<Map<string, { version: number; text: string; value: Record<string, unknown> }>> {
    const byNode = new Map<string, string[]>();
    for (const d of differences) {
      const held = Object.entries(d.versions).filter(
        ([n, v]) => v !== null && (from === undefined || n === from),
      ) as [string, number][];
      if (held.length === 0) continue;
      const [node] = held.reduce((a, b) => (b[1] > a[1] ? b : a));
      byNode.set(node, [...(byNode.get(node) ?? []), d.id]);
    }
    const out = new Map<
      string,
      { version: number; text: string; value: Record<string, unknown> }
    >();
    const pk = index.primaryKey ?? 'id';
    for (const [node, ids] of byNode) {
      for (const doc of await this.fetch(node, index, ids)) {
        out.set(String(doc[pk]), {
          version: versionOfTag(doc[VERSION_FIELD]) ?? 0,
          text: stringifyExact(doc, true),
          value: doc,
        });
      }
    }
    return out;
  }

  /**
   * What the log did to each document after its newest version: the last write or deletion of it
   * (by id, by filter, or of everything). Messages the log no longer holds are not known.
   */
  private async fates(
    index: CatalogRecord,
    differences: Difference[],
    newest: Map<string, { version: number; value: Record<string, unknown> }>,
  ): Promise<Map<string, LogFate>> {
    const fates = new Map<string, LogFate>();
    const since = new Map<string, number>();
    for (const d of differences) since.set(d.id, newest.get(d.id)?.version ?? 0);
    const from = Math.min(...since.values()) + 1;
    const last = (await this.d.log.state()).lastSeq;
    if (from > last) return fates;
    const follower = await this.d.log.follow(from, { maxMessages: 256 });
    try {
      for (;;) {
        // Past what the log still holds, the fate of a document is not known here.
        const m = await follower.next().catch((err: unknown) => {
          if (err instanceof LogGap) return null;
          throw err;
        });
        if (!m || m.seq > last) break;
        const op = m.header.op;
        if (!('index' in op) || op.index.nodeUid !== index.nodeUid) continue;
        const touched = (id: string) => (since.get(id) ?? Infinity) < m.seq;
        if (op.kind === 'deleteAll' || op.kind === 'deleteIndex') {
          for (const id of since.keys())
            if (touched(id)) fates.set(id, { kind: 'deleted', seq: m.seq });
        } else if (op.kind === 'deleteIds') {
          for (const id of op.parts.flatMap((p) => p.ids)) {
            if (touched(id)) fates.set(id, { kind: 'deleted', seq: m.seq });
          }
        } else if (op.kind === 'deleteFilter') {
          const filter = parseFilter(op.filter, 'invalid_document_filter');
          for (const id of since.keys()) {
            const doc = newest.get(id)?.value;
            if (touched(id) && filter && doc && evaluateFilter(filter, doc)) {
              fates.set(id, { kind: 'deleted', seq: m.seq });
            }
          }
        } else if (op.kind === 'documents') {
          const bodies = documentPartBodies(op, m.body);
          op.parts.forEach((part, i) => {
            const text = bodies[i]!.toString('utf8');
            for (const doc of readDocuments('ndjson', text)) {
              const raw = memberText(doc.text, op.primaryKey) ?? '';
              const id = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
              if (!touched(id)) continue;
              // A partial update merges into what the document was at that point.
              const before = fates.get(id);
              const base =
                before?.kind === 'written'
                  ? (parseExact(before.text) as Record<string, unknown>)
                  : before?.kind === 'deleted'
                    ? {}
                    : (newest.get(id)?.value ?? {});
              const value = parseExact(doc.text) as Record<string, unknown>;
              const merged = op.method === 'update' ? { ...base, ...value } : value;
              delete merged[SHARD_FIELD];
              delete merged[VERSION_FIELD];
              const line = stringifyExact(merged, true);
              const stamped = stampPart(`${line}\n`, part.shard, m.seq).trimEnd();
              fates.set(id, { kind: 'written', seq: m.seq, text: stamped, method: op.method });
            }
          });
        }
      }
    } finally {
      follower.close();
    }
    return fates;
  }
}
