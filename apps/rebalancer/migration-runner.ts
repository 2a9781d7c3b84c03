import type { EventBus, WriteLog } from '#lib/bus';
import { logSubjects, type LogHeader } from '#lib/contracts';
import { stringifyExact } from '#lib/meili-api';
import type { NodeApi } from '#lib/node-client';
import { servingCopies, type Difference } from '#lib/replication';
import { shardFilter, type Placement, type PlacementChange } from '#lib/routing';
import type { Log } from '#lib/service';
import { isFinishedPhase, type CatalogRecord, type MigrationRecord, type Store } from '#lib/store';
import type { CopyChecker } from './copy-checker.js';
import {
  activateNode,
  appendPlacementStep,
  PlacementBusy,
  waitForGateways,
} from './topology-steps.js';

/** Documents per copied page (each page is one log message; bodies stay well under NATS's limit). */
const PAGE = 400;
const PAGE_BYTES = 600_000;
const VERIFY_ROUNDS = 5;
const WAIT_APPLIED_MS = 60_000;
const POLL_MS = 200;

export interface MigrationDeps {
  store: Store;
  nodes: NodeApi;
  log: WriteLog;
  bus: Pick<EventBus, 'publish'>;
  checker: CopyChecker;
  logger: Log;
  timeoutMs: number;
  /** See `PlannerDeps.graceMs`. */
  graceMs: number;
}

/** A migration cannot go on now (no source, node down…): the job retries later from its phase. */
export class MigrationBlocked extends Error {
  override readonly name = 'MigrationBlocked';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Phases a move can still be abandoned in: nothing of it is read yet. */
const BEFORE_CUTOVER = new Set(['planned', 'incoming', 'copy', 'verify']);

/**
 * Runs one shard move exactly as operations.md says, one phase at a time, recording the phase and
 * the copy's cursor after each step so that any process can resume it after a crash:
 * incoming (the target takes the shard's writes from log position P) → copy (pages of the source's
 * shard, through the target's single writer, which keeps the newer version) → verify (the copy
 * checker compares source and target; differences are repaired on the target) → cut-over (the
 * target owns, the displaced copy is outgoing) → cleanup (once every gateway routes with the new
 * epoch, the displaced copy is deleted). Every placement step is a log message, so every node
 * writer applies it at the same position.
 */
export class MigrationRunner {
  constructor(private readonly d: MigrationDeps) {}

  /** Runs the move `id`; `stamp` (its record's creation time) tells a job of an earlier move under the same id. */
  async run(id: string, signal: AbortSignal, stamp?: number): Promise<MigrationRecord | null> {
    let m = await this.d.store.migrations.get(id);
    if (m && stamp !== undefined && Date.parse(m.createdAt) !== stamp) return m;
    while (m && !isFinishedPhase(m.phase)) {
      if (signal.aborted) throw new MigrationBlocked('stopping');
      await this.waitWhilePaused(signal);
      m = await this.step(m, signal);
    }
    return m;
  }

  private async save(
    m: MigrationRecord,
    patch: Partial<MigrationRecord>,
  ): Promise<MigrationRecord> {
    const now = new Date().toISOString();
    let saved = false;
    // Compare-and-set on the phase: a move canceled (or planned anew) meanwhile is not taken further.
    const next = await this.d.store.migrations.update(m.id, (cur) => {
      if (cur.phase !== m.phase || cur.createdAt !== m.createdAt) return cur;
      saved = true;
      return {
        ...cur,
        ...patch,
        updatedAt: now,
        ...(patch.phase && isFinishedPhase(patch.phase) ? { finishedAt: now } : {}),
      };
    });
    if (!next) throw new MigrationBlocked(`migration ${m.id} is gone`);
    if (!saved) throw new MigrationBlocked(`migration ${m.id} changed meanwhile (${next.phase})`);
    if (patch.phase) this.progress(next);
    return next;
  }

  private progress(m: MigrationRecord): void {
    const phase = m.phase === 'incoming' || m.phase === 'planned' ? 'copy' : m.phase;
    if (phase === 'failed' || phase === 'canceled') return;
    void this.d.store.migrations
      .list({ limit: 10_000 })
      .then(({ results }) => {
        const run = results.filter((r) => r.run === m.run);
        this.d.bus.publish('rebalance.progress', {
          rebalanceId: m.run,
          move: {
            indexUid: m.indexUid,
            shard: m.shard,
            group: m.group,
            source: m.source,
            target: m.target,
          },
          phase,
          documentsCopied: m.counts.copied,
          documentsTotal: m.counts.total,
          totals: {
            movesDone: run.filter((r) => r.phase === 'done').length,
            movesTotal: run.length,
          },
        });
      })
      .catch(() => undefined);
  }

  private async waitWhilePaused(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && (await this.d.store.rebalance.get('current'))?.paused) {
      await sleep(500);
    }
  }

  private async step(m: MigrationRecord, signal: AbortSignal): Promise<MigrationRecord> {
    const placement = await this.d.store.topology.getPlacement(m.nodeUid);
    const index = await this.indexOf(m.nodeUid);
    if (!placement || !index) return this.save(m, { phase: 'canceled', error: 'index deleted' });
    const topology = await this.d.store.topology.getTopology();
    const stateOf = (id: string | null) => topology?.nodes.find((n) => n.id === id)?.state;
    const targetState = stateOf(m.target);
    if (BEFORE_CUTOVER.has(m.phase) && (targetState === 'removed' || targetState === 'draining')) {
      // The target is leaving: give its partial copy back (its incoming step may have been
      // appended even at `planned`: a crash before the phase was saved); the plan picks another
      // target. From `cutover` on, the move finishes: its cut-over may be in the log already, and
      // a release cannot undo it (an owner is never released), so canceling would leave the
      // displaced copy outgoing for good.
      await this.change(m, index, { step: 'release', node: m.target });
      return this.save(m, { phase: 'canceled', error: `target ${m.target} is ${targetState}` });
    }
    if (m.phase === 'cutover' || m.phase === 'cleanup') {
      const writer = (await this.d.store.writers.get(m.target))?.state;
      if (targetState === 'removed' || writer === 'stale') {
        return this.giveUp(
          m,
          index,
          `target ${m.target} is ${writer === 'stale' ? 'stale' : targetState}`,
        );
      }
      // A failed node may come back: the move waits for it, or for its removal.
      if (targetState === 'failed') throw new MigrationBlocked(`target ${m.target} is failed`);
    }
    switch (m.phase) {
      case 'planned':
      case 'incoming': {
        const seq = await this.change(m, index, { step: 'incoming', node: m.target });
        return this.save(m, { phase: 'copy', incomingSeq: seq });
      }
      case 'copy':
        return this.copy(m, index, placement, signal);
      case 'verify':
        return this.verify(m, index);
      case 'cutover': {
        const { epoch, placement: after } = await this.commitChange(m, index, {
          step: 'cutover',
          node: m.target,
          displaced: m.displaced,
        });
        const owner = Object.values(after.groups).some((c) =>
          c[m.shard]?.owners.includes(m.target),
        );
        // A cut-over applies only to a copy still incoming: one released meanwhile stays released.
        if (!owner) return this.save(m, { phase: 'canceled', error: 'the copy was released' });
        await this.activate(m.target);
        this.d.bus.publish('topology.changed', {
          epoch,
          change: 'placement',
          indexUid: m.indexUid,
          shards: [m.shard],
        });
        return this.save(m, { phase: 'cleanup', cutoverEpoch: epoch });
      }
      case 'cleanup': {
        await waitForGateways(this.d.store, m.cutoverEpoch ?? 0, this.d.graceMs).catch((err) => {
          throw new MigrationBlocked(String(err));
        });
        if (m.displaced) {
          // The displaced copy goes only once the new one owns (a stale rebuild may have taken it
          // out of the placement) and serves (not lagging behind).
          const now = await this.placementOf(m);
          if (!now.groups[m.group]?.[m.shard]?.owners.includes(m.target)) {
            return this.giveUp(m, index, `target ${m.target} no longer owns shard ${m.shard}`);
          }
          const serving = servingCopies(topology?.nodes ?? [], await this.d.store.writers.list());
          if (!serving(m.target))
            throw new MigrationBlocked(`target ${m.target} is not serving yet`);
          const seq = await this.change(m, index, { step: 'release', node: m.displaced });
          this.d.bus.publish('topology.changed', {
            epoch: await this.d.store.topology.epoch(),
            change: 'placement',
            indexUid: m.indexUid,
            shards: [m.shard],
          });
          // A removed or failed node deletes its copy whenever its writer runs again.
          const gone = ['removed', 'failed'].includes(stateOf(m.displaced) ?? 'removed');
          if (!gone) await this.waitApplied([m.displaced], seq, WAIT_APPLIED_MS, false);
        }
        return this.save(m, { phase: 'done', error: null });
      }
      default:
        return m;
    }
  }

  /**
   * A move whose target died (or went stale) at or after its cut-over: the target's incoming copy
   * is given back (a release does nothing if the cut-over reached the log first), and the displaced
   * copy, written all along, owns again — it is never released for a copy that cannot serve. The
   * plan then restores the spread from what is left.
   */
  private async giveUp(
    m: MigrationRecord,
    index: CatalogRecord,
    reason: string,
  ): Promise<MigrationRecord> {
    await this.change(m, index, { step: 'release', node: m.target });
    if (m.displaced) await this.change(m, index, { step: 'reinstate', node: m.displaced });
    this.d.bus.publish('topology.changed', {
      epoch: await this.d.store.topology.epoch(),
      change: 'placement',
      indexUid: m.indexUid,
      shards: [m.shard],
    });
    this.d.logger('warn', 'move-given-up', { id: m.id, reason });
    return this.save(m, { phase: 'canceled', error: reason });
  }

  private async indexOf(nodeUid: string): Promise<CatalogRecord | null> {
    const state = await this.d.store.catalog.nodeIndex(nodeUid);
    if (!state?.uid) return null;
    const record = await this.d.store.catalog.get(state.uid);
    return record?.nodeUid === nodeUid ? record : null;
  }

  /** A readable copy to copy from: the planned source while it serves, else another owner. */
  private async source(m: MigrationRecord, placement: Placement): Promise<string> {
    const topology = await this.d.store.topology.getTopology();
    const serving = servingCopies(topology?.nodes ?? [], await this.d.store.writers.list());
    const owners = Object.values(placement.groups).flatMap((c) => c[m.shard]?.owners ?? []);
    const candidates = [m.source, ...owners.filter((n) => n !== m.source && n !== m.target)];
    const found = candidates.find((n) => owners.includes(n) && serving(n));
    if (!found) throw new MigrationBlocked(`no caught-up copy of shard ${m.shard} to copy from`);
    return found;
  }

  /** Pages of the source's shard, each through the target's writer as a repair (newer wins). */
  private async copy(
    m: MigrationRecord,
    index: CatalogRecord,
    placement: Placement,
    signal: AbortSignal,
  ): Promise<MigrationRecord> {
    const source = await this.source(m, placement);
    if (source !== m.source) m = await this.save(m, { source });
    // Everything before P must be on the source: later writes reach the target through its writer.
    await this.waitApplied([source], m.incomingSeq ?? 0, WAIT_APPLIED_MS, true);
    const pk = index.primaryKey ?? 'id';
    // The copy rides the log: one page waits for the target to apply the one before, so a copy
    // never holds more than two pages of the log (whose limits would otherwise drop pages the
    // target has not read, and make it stale).
    let previous = 0;
    for (;;) {
      if (signal.aborted) throw new MigrationBlocked('stopping');
      await this.waitWhilePaused(signal);
      const page = await this.d.nodes.fetchDocuments(
        source,
        m.nodeUid,
        // Vectors given by the user exist nowhere else: they travel with their documents.
        { filter: shardFilter([m.shard]), offset: m.cursor, limit: PAGE, retrieveVectors: true },
        { timeoutMs: this.d.timeoutMs },
      );
      const lines = page.results.map((doc) => `${stringifyExact(doc, true)}\n`);
      for (let i = 0; i < lines.length;) {
        let bytes = 0;
        let j = i;
        while (j < lines.length && (j === i || bytes + lines[j]!.length <= PAGE_BYTES)) {
          bytes += lines[j]!.length;
          j++;
        }
        const seq = await this.appendRepair(m, index, pk, lines.slice(i, j), `${m.cursor + i}`);
        if (previous) await this.waitApplied([m.target], previous, WAIT_APPLIED_MS, true);
        previous = seq;
        i = j;
      }
      m = await this.save(m, {
        cursor: m.cursor + page.results.length,
        counts: {
          ...m.counts,
          copied: m.counts.copied + page.results.length,
          total: Math.max(page.total, m.cursor + page.results.length),
        },
      });
      if (page.results.length < PAGE) return this.save(m, { phase: 'verify' });
    }
  }

  private async appendRepair(
    m: MigrationRecord,
    index: CatalogRecord,
    pk: string,
    lines: string[],
    at: string,
  ): Promise<number> {
    const body = Buffer.from(lines.join(''));
    const header: LogHeader = {
      v: 1,
      task: {
        type: 'documentAdditionOrUpdate',
        indexUid: index.uid,
        details: null,
        enqueuedAt: new Date().toISOString(),
      },
      op: {
        kind: 'repair',
        index: { uid: index.uid, nodeUid: m.nodeUid },
        primaryKey: pk,
        migration: m.id,
        nodes: [{ nodeId: m.target, bytes: body.length, count: lines.length, removals: [] }],
      },
    };
    const { seq } = await this.d.log.append({
      subject: logSubjects.documents(this.d.log.names, index.uid),
      header,
      body,
      msgId: `${m.id}.${Date.parse(m.createdAt)}.copy.${at}`,
    });
    return seq;
  }

  /**
   * Compares source and target once both applied the log so far; repairs the target's differences
   * (a page that brought back a document deleted during the copy, a document the offsets skipped,
   * one a guarded partial update had to leave out) and compares again until they agree. Once they
   * agree, the target is `filled` (partial updates reach it whole from then on), and a last
   * comparison of whole documents finds any a partial update created there cut down meanwhile.
   */
  private async verify(m: MigrationRecord, index: CatalogRecord): Promise<MigrationRecord> {
    let repaired = m.counts.repaired;
    let differences: Difference[] = [];
    for (let round = 0; round < VERIFY_ROUNDS; round++) {
      const source = await this.source(m, await this.placementOf(m));
      if (source !== m.source) m = await this.save(m, { source });
      const last = (await this.d.log.state()).lastSeq;
      await this.waitApplied([source, m.target], last, WAIT_APPLIED_MS, true);
      const whole = m.filledSeq != null;
      ({ differences } = await this.d.checker.checkShard(
        index,
        [source, m.target],
        m.shard,
        whole,
      ));
      // The source must still hold its whole copy now: a release (committed before its writer
      // deletes anything) read meanwhile would make the target lose what the source lost.
      if (!(await this.stillSource(m, source))) {
        throw new MigrationBlocked(`source ${source} stopped owning shard ${m.shard}`);
      }
      if (differences.length === 0) {
        if (!whole) {
          const seq = await this.change(m, index, { step: 'filled', node: m.target });
          m = await this.save(m, { filledSeq: seq, counts: { ...m.counts, repaired } });
          round--; // the comparison of whole documents gets its own rounds
          continue;
        }
        return this.save(m, { phase: 'cutover', counts: { ...m.counts, repaired } });
      }
      const result = await this.d.checker.repair(index, differences, {
        id: m.id,
        source,
        target: m.target,
      });
      repaired += (result.repaired?.put ?? 0) + (result.repaired?.removed ?? 0);
      this.d.logger('info', 'migration-repair', {
        id: m.id,
        differences: differences.length,
        ...result.repaired,
      });
    }
    const newer = differences.filter(
      (d) => (d.versions[m.target] ?? 0) > (d.versions[m.source] ?? -1),
    );
    if (newer.length > 0) {
      // A write the source's node refused but the target's took: the source is not the newest
      // copy, and a move copies it as it is. Repairing the index's copies settles it first.
      throw new MigrationBlocked(
        `shard ${m.shard}: the target holds newer versions than its source ${m.source} for ${newer.length} document(s) (e.g. \`${newer[0]!.id}\`); run \`miroir-ctl repair ${index.uid}\``,
      );
    }
    throw new MigrationBlocked(`shard ${m.shard}: source and target still differ`);
  }

  private async placementOf(m: MigrationRecord): Promise<Placement> {
    const placement = await this.d.store.topology.getPlacement(m.nodeUid);
    if (!placement) throw new MigrationBlocked('index deleted');
    return placement;
  }

  /** Whether `source` still owns the shard and serves it (read from the store now). */
  private async stillSource(m: MigrationRecord, source: string): Promise<boolean> {
    const placement = await this.placementOf(m);
    const topology = await this.d.store.topology.getTopology();
    const serving = servingCopies(topology?.nodes ?? [], await this.d.store.writers.list());
    const owners = Object.values(placement.groups).flatMap((c) => c[m.shard]?.owners ?? []);
    return owners.includes(source) && serving(source);
  }

  /** Appends a placement step to the log, then commits it to the store; returns its position. */
  private async change(
    m: MigrationRecord,
    index: CatalogRecord,
    step: Pick<PlacementChange, 'step' | 'node' | 'displaced'>,
  ): Promise<number> {
    return (await this.commitChange(m, index, step)).seq;
  }

  /**
   * Appends a placement step and waits until writers committed it. The step's position is saved
   * first, so a retry waits for that one instead of appending it again (past the log's duplicate
   * window, a retry would append a new copy at the log's end, and chase writers that lag).
   */
  private async commitChange(
    m: MigrationRecord,
    index: CatalogRecord,
    step: Pick<PlacementChange, 'step' | 'node' | 'displaced'>,
  ): Promise<{ seq: number; epoch: number; placement: Placement }> {
    const change: PlacementChange = { shard: m.shard, group: m.group, ...step };
    const msgId = `${m.id}.${Date.parse(m.createdAt)}.${step.step}.${step.node}`;
    const pending = (await this.d.store.migrations.get(m.id))?.pendingStep;
    const known = pending?.msgId === msgId ? pending.seq : null;
    try {
      return await appendPlacementStep(this.d.store, this.d.log, index, change, msgId, {
        seq: known,
        appended: (seq) =>
          this.d.store.migrations
            .update(m.id, (cur) => ({ ...cur, pendingStep: { msgId, seq } }))
            .then(() => undefined),
      });
    } catch (err) {
      throw err instanceof PlacementBusy ? new MigrationBlocked(err.message) : err;
    }
  }

  /** A joining node serves reads from its first cut-over on. */
  private async activate(nodeId: string): Promise<void> {
    if (!(await activateNode(this.d.store, this.d.bus, nodeId))) {
      throw new MigrationBlocked(`could not make ${nodeId} active`);
    }
  }

  /** Waits until these nodes' writers applied the log up to `seq`. */
  private async waitApplied(nodes: string[], seq: number, timeoutMs: number, required: boolean) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const writers = await this.d.store.writers.list();
      const behind = nodes.filter(
        (n) => (writers.find((w) => w.nodeId === n)?.appliedSeq ?? 0) < seq,
      );
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        if (!required) return;
        throw new MigrationBlocked(`${behind.join(', ')} not at log position ${seq} yet`);
      }
      await sleep(POLL_MS);
    }
  }
}
