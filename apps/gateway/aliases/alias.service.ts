import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { subjects } from '#lib/contracts';
import { MeiliError } from '#lib/errors';
import { asObject, checkIndexUid, rejectUnknown } from '#lib/meili-api';
import type { AliasRecord, Store } from '#lib/store';
import { MetricsService } from '../admin/metrics.service.js';
import { CatalogService } from '../indexes/catalog.service.js';
import { CONFIG, STORE } from '../infra/tokens.js';

/** The safety net behind `miroir.aliases.<name>.flipped` (operations.md: ≤ 1 s). */
const CACHE_TTL_MS = 1000;

const notFound = (name: string) =>
  new MeiliError('miroir_alias_not_found', `Alias \`${name}\` not found.`);

/** What a client route does with a name: read (search…) or write (documents, settings…). */
export type AliasUse = 'read' | 'write' | 'search';

/**
 * Aliases for blue-green reindexing (operations.md): a name resolving to one index (`single`) or
 * several (`multi`). Nodes never see them; the gateway resolves a name once per request, so a flip
 * never tears an in-flight request. Every gateway drops its cached entry on the flip event, with a
 * one-second lifetime as the net.
 */
@Injectable()
export class AliasService implements OnModuleDestroy {
  private readonly cache = new Map<string, { alias: AliasRecord | null; at: number }>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
    private readonly catalog: CatalogService,
    private readonly bus: EventBus,
    private readonly metrics: MetricsService,
  ) {}

  start(): void {
    this.unsubscribe = this.bus.subscribe(subjects.aliasFlipped('*'), (event) => {
      this.cache.delete((event.data as { alias: string }).alias);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The alias named `name`, or null (also when aliases are disabled). */
  async find(name: string): Promise<AliasRecord | null> {
    if (!this.config.aliases.enabled) return null;
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.alias;
    const alias = await this.store.aliases.get(name);
    this.cache.set(name, { alias, at: Date.now() });
    return alias;
  }

  /**
   * The indexes a client route addresses by `name`: the name itself when it is no alias, a single
   * alias's target, or a multi alias's targets (searches only; writes answer 409).
   */
  async resolve(name: string, use: AliasUse): Promise<string[]> {
    const alias = await this.find(name);
    if (!alias) return [name];
    this.metrics.aliasResolutions.inc({ alias: name });
    if (alias.kind === 'single') return [alias.targets[0]!];
    if (use === 'write') {
      throw new MeiliError(
        'miroir_multi_alias_not_writable',
        `Alias \`${name}\` points at several indexes (${alias.targets.map((t) => `\`${t}\``).join(', ')}): write to one of them.`,
      );
    }
    if (use === 'read') {
      throw new MeiliError(
        'miroir_unsupported',
        `Alias \`${name}\` points at several indexes: only searches go through it.`,
      );
    }
    return [...alias.targets];
  }

  list(): Promise<AliasRecord[]> {
    return this.store.aliases.list();
  }

  async get(name: string): Promise<AliasRecord> {
    return (await this.store.aliases.get(name)) ?? Promise.reject(notFound(name));
  }

  async create(input: unknown, actor: string): Promise<AliasRecord> {
    const body = asObject(input);
    rejectUnknown(body, ['name', 'target', 'targets', 'ownerPolicy'], 'field');
    const name = checkIndexUid(body.name, 'bad_request');
    const targets = await this.checkTargets(name, body);
    if (await this.catalog.find(name)) {
      throw new MeiliError(
        'miroir_alias_already_exists',
        `Index \`${name}\` exists: an alias may not shadow an index.`,
      );
    }
    const ownerPolicy = body.ownerPolicy ?? null;
    if (ownerPolicy !== null && typeof ownerPolicy !== 'string') {
      throw new MeiliError(
        'bad_request',
        'Invalid value type at `.ownerPolicy`: expected a string',
      );
    }
    const created = await this.store.aliases.create({
      name,
      kind: targets.length > 1 ? 'multi' : 'single',
      targets,
      ownerPolicy,
      createdAt: new Date().toISOString(),
    });
    if (!created) {
      throw new MeiliError('miroir_alias_already_exists', `Alias \`${name}\` already exists.`);
    }
    this.publish(name, 0, [], targets, actor);
    return this.get(name);
  }

  /** `PUT`: points the alias at new targets at once (version + 1, history entry). */
  async flip(name: string, input: unknown, actor: string): Promise<AliasRecord> {
    const body = asObject(input);
    rejectUnknown(body, ['target', 'targets', 'policy'], 'field');
    const alias = await this.get(name);
    this.refusePolicyOwned(alias, body.policy);
    const targets = await this.checkTargets(name, body);
    if ((targets.length > 1 ? 'multi' : 'single') !== alias.kind) {
      throw new MeiliError(
        'bad_request',
        `Alias \`${name}\` is a ${alias.kind} alias: give ${alias.kind === 'single' ? 'one `target`' : 'several `targets`'}.`,
      );
    }
    const result = await this.store.aliases.flip(name, {
      targets,
      actor,
      flippedAt: new Date().toISOString(),
      retention: this.config.aliases.historyRetention,
    });
    if (!result.ok) throw notFound(name);
    this.cache.delete(name);
    this.metrics.aliasFlips.inc({ alias: name });
    this.publish(name, result.alias.version, alias.targets, targets, actor);
    return result.alias;
  }

  async remove(name: string, policy: unknown): Promise<void> {
    const alias = await this.get(name);
    this.refusePolicyOwned(alias, policy);
    if (!(await this.store.aliases.delete(name))) throw notFound(name);
    this.cache.delete(name);
  }

  private refusePolicyOwned(alias: AliasRecord, policy: unknown): void {
    if (alias.ownerPolicy !== null && policy !== alias.ownerPolicy) {
      throw new MeiliError(
        'miroir_alias_policy_owned',
        `Alias \`${alias.name}\` is owned by the rollover policy \`${alias.ownerPolicy}\`: change it through the policy.`,
      );
    }
  }

  /** `target` or `targets`: index uids, none an alias, existing unless configured otherwise. */
  private async checkTargets(name: string, body: Record<string, unknown>): Promise<string[]> {
    if ((body.target === undefined) === (body.targets === undefined)) {
      throw new MeiliError('bad_request', 'Give either `target` or `targets`.');
    }
    const raw = body.target !== undefined ? [body.target] : body.targets;
    if (!Array.isArray(raw) || raw.length === 0) {
      throw new MeiliError('bad_request', '`targets` must be a non-empty array of index uids.');
    }
    const targets = raw.map((t) => checkIndexUid(t, 'bad_request'));
    if (new Set(targets).size !== targets.length) {
      throw new MeiliError('bad_request', 'An index is named twice in `targets`.');
    }
    for (const target of targets) {
      if (target === name || (await this.store.aliases.get(target))) {
        throw new MeiliError(
          'bad_request',
          `\`${target}\` is an alias: an alias points at indexes only.`,
        );
      }
      if (this.config.aliases.requireTargetExists && !(await this.catalog.find(target))) {
        throw new MeiliError('index_not_found', `Index \`${target}\` not found.`);
      }
    }
    return targets;
  }

  private publish(
    alias: string,
    version: number,
    oldTargets: string[],
    newTargets: string[],
    actor: string,
  ): void {
    this.bus.publish(
      'aliases.flipped',
      { alias, version, oldTargets, newTargets, actor },
      `alias-${alias}-${version}-${Date.now()}`,
    );
  }
}
