import type { Fence } from '../fence.js';
import type { PartOutcome, TaskGate, WriterStatus, WriterStore } from '../ports/writer.port.js';
import { GATE_CANCEL, GATE_START, WRITER_PUT } from './lua/writer.lua.js';
import { execReplies, fenceOf, type RedisContext } from './redis-context.js';

function gateOf(v: string | null): TaskGate {
  if (v === null) return { started: false, canceledBy: null };
  if (v.startsWith('c:')) return { started: false, canceledBy: Number(v.slice(2)) };
  return { started: true, canceledBy: null };
}

/** Writer statuses in one hash, part outcomes in a hash per task, the gate in one hash. */
export class RedisWriterStore implements WriterStore {
  constructor(private readonly ctx: RedisContext) {}

  async get(nodeId: string): Promise<WriterStatus | null> {
    const raw = await this.ctx.redis.hget(this.ctx.keys.writers(), nodeId);
    return raw === null ? null : (JSON.parse(raw) as WriterStatus);
  }

  async list(): Promise<WriterStatus[]> {
    const all = await this.ctx.redis.hgetall(this.ctx.keys.writers());
    return Object.keys(all)
      .sort()
      .map((id) => JSON.parse(all[id]!) as WriterStatus);
  }

  async put(status: WriterStatus, fence?: Fence): Promise<void> {
    const [lease, token] = fenceOf(this.ctx, fence);
    await this.ctx.scripts.run(
      WRITER_PUT,
      [lease, this.ctx.keys.writers(), this.ctx.keys.writerChanges()],
      [token, status.nodeId, JSON.stringify(status)],
      fence,
    );
  }

  async changes(): Promise<number> {
    return Number((await this.ctx.redis.get(this.ctx.keys.writerChanges())) ?? 0);
  }

  async remove(nodeId: string): Promise<void> {
    await this.ctx.redis.hdel(this.ctx.keys.writers(), nodeId);
  }

  async recordOutcomes(
    nodeId: string,
    outcomes: ReadonlyArray<{ uid: number; outcome: PartOutcome }>,
  ): Promise<void> {
    if (outcomes.length === 0) return;
    const k = this.ctx.keys;
    const multi = this.ctx.redis.multi();
    for (const { uid, outcome } of outcomes) {
      multi.hset(k.partOutcomes(uid), nodeId, JSON.stringify(outcome));
      multi.zadd(k.partOutcomesIndex(), uid, String(uid));
    }
    execReplies(await multi.exec());
  }

  async outcomes(uid: number): Promise<Record<string, PartOutcome>> {
    const all = await this.ctx.redis.hgetall(this.ctx.keys.partOutcomes(uid));
    return Object.fromEntries(
      Object.entries(all).map(([node, raw]) => [node, JSON.parse(raw) as PartOutcome]),
    );
  }

  async dropOutcomes(uids: readonly number[]): Promise<void> {
    if (uids.length === 0) return;
    const k = this.ctx.keys;
    const multi = this.ctx.redis.multi();
    multi.del(...uids.map((u) => k.partOutcomes(u)));
    multi.zrem(k.partOutcomesIndex(), ...uids.map(String));
    multi.hdel(k.taskGates(), ...uids.map(String));
    execReplies(await multi.exec());
  }

  async breakCopy(nodeId: string, reason: string): Promise<void> {
    await this.ctx.redis.hsetnx(this.ctx.keys.copyBreaks(), nodeId, reason);
  }

  async copyBreak(nodeId: string): Promise<string | null> {
    return this.ctx.redis.hget(this.ctx.keys.copyBreaks(), nodeId);
  }

  async clearCopyBreak(nodeId: string): Promise<void> {
    await this.ctx.redis.hdel(this.ctx.keys.copyBreaks(), nodeId);
  }

  async start(uids: readonly number[]): Promise<Map<number, number>> {
    const canceled = new Map<number, number>();
    if (uids.length === 0) return canceled;
    const out = (await this.ctx.scripts.run(
      GATE_START,
      [this.ctx.keys.taskGates()],
      uids.map(String),
    )) as string[];
    for (let i = 0; i < out.length; i += 2) canceled.set(Number(out[i]), Number(out[i + 1]));
    return canceled;
  }

  async cancel(uids: readonly number[], by: number): Promise<number[]> {
    if (uids.length === 0) return [];
    const out = (await this.ctx.scripts.run(
      GATE_CANCEL,
      [this.ctx.keys.taskGates()],
      [String(by), ...uids.map(String)],
    )) as string[];
    return out.map(Number);
  }

  async gate(uid: number): Promise<TaskGate> {
    return gateOf(await this.ctx.redis.hget(this.ctx.keys.taskGates(), String(uid)));
  }

  async gates(uids: readonly number[]): Promise<Map<number, TaskGate>> {
    if (uids.length === 0) return new Map();
    const values = await this.ctx.redis.hmget(this.ctx.keys.taskGates(), ...uids.map(String));
    return new Map(uids.map((u, i) => [u, gateOf(values[i] ?? null)]));
  }
}
