import type {
  AliasHistoryEntry,
  AliasKind,
  AliasRecord,
  AliasStore,
  FlipRequest,
  FlipResult,
  NewAlias,
} from '../ports/alias.port.js';
import { checkRetention } from '../checks.js';
import { ALIAS_CREATE, ALIAS_DELETE, ALIAS_FLIP } from './lua/alias.lua.js';
import { execReplies, fenceOf, type RedisContext } from './redis-context.js';

function fromHash(fields: Record<string, string>, history: string[]): AliasRecord {
  return {
    name: fields.name!,
    kind: fields.kind as AliasKind,
    targets: JSON.parse(fields.targets!) as string[],
    ownerPolicy: fields.ownerPolicy ? fields.ownerPolicy : null,
    version: Number(fields.version),
    history: history.map((h) => JSON.parse(h) as AliasHistoryEntry),
    createdAt: fields.createdAt!,
    updatedAt: fields.updatedAt!,
  };
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

export class RedisAliasStore implements AliasStore {
  constructor(private readonly ctx: RedisContext) {}

  async get(name: string): Promise<AliasRecord | null> {
    const { keys } = this.ctx;
    const replies = await this.ctx.redis
      .multi()
      .hgetall(keys.alias(name))
      .lrange(keys.aliasHistory(name), '0', '-1')
      .exec();
    const [fields, history] = execReplies(replies) as [Record<string, string>, string[]];
    return Object.keys(fields).length === 0 ? null : fromHash(fields, history);
  }

  async create(alias: NewAlias): Promise<boolean> {
    const { keys } = this.ctx;
    const ok = await this.ctx.scripts.run(
      ALIAS_CREATE,
      [keys.alias(alias.name), keys.aliasIndex()],
      [
        alias.name,
        alias.kind,
        JSON.stringify(alias.targets),
        alias.ownerPolicy ?? '',
        alias.createdAt,
      ],
    );
    return ok === 1;
  }

  async flip(name: string, req: FlipRequest): Promise<FlipResult> {
    const { keys } = this.ctx;
    const retention = checkRetention(req.retention);
    const [lease, token] = fenceOf(this.ctx, req.fence);
    const entry = JSON.stringify({
      targets: req.targets,
      flippedAt: req.flippedAt,
      actor: req.actor,
    });
    const out = (await this.ctx.scripts.run(
      ALIAS_FLIP,
      [lease, keys.alias(name), keys.aliasHistory(name)],
      [
        token,
        req.expectedVersion === undefined ? '' : req.expectedVersion,
        JSON.stringify(req.targets),
        req.flippedAt,
        entry.slice(1),
        retention,
      ],
      req.fence,
    )) as [number, ...unknown[]];
    if (out[0] === 1)
      return { ok: true, alias: fromHash(pairs(out[1] as string[]), out[2] as string[]) };
    const reason = out[1] as 'not_found' | 'version_mismatch';
    return { ok: false, reason, version: out[2] === undefined ? null : Number(out[2]) };
  }

  async delete(name: string): Promise<boolean> {
    const { keys } = this.ctx;
    const n = await this.ctx.scripts.run(
      ALIAS_DELETE,
      [keys.alias(name), keys.aliasHistory(name), keys.aliasIndex()],
      [name],
    );
    return n === 1;
  }

  async list(): Promise<AliasRecord[]> {
    const names = await this.ctx.redis.zrange(this.ctx.keys.aliasIndex(), '0', '-1');
    const all = await Promise.all(names.map((n) => this.get(n)));
    return all.filter((a): a is AliasRecord => a !== null);
  }
}
