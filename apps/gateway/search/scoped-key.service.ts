import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { subjects } from '#lib/contracts';
import { usableKey } from '#lib/keys';
import { deriveKey } from '#lib/meili-api';
import type { ScopedKeyRecord, Store } from '#lib/store';
import { CONFIG, STORE } from '../infra/tokens.js';
import { MetricsService } from '../admin/metrics.service.js';

/**
 * The scoped search keys this gateway uses toward nodes (operations.md, key rotation): one
 * search-only key per node-side index, its value derived from its uid and the nodes' master key.
 * Records are reloaded on every `miroir.keys.*.rotated` event and on a timer, and after each load
 * this process's beacon says which generation it uses, so the key-rotator revokes an old key only
 * once every live gateway has moved on (a gateway that stops beaconing stops counting).
 */
@Injectable()
export class ScopedKeyService implements OnModuleDestroy {
  private readonly logger = new Logger('ScopedKeys');
  private readonly keys = new Map<string, { generation: number; value: string }>();
  private readonly pod: string;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private loading: Promise<void> = Promise.resolve();

  constructor(
    @Inject(CONFIG) private readonly config: MiroirConfig,
    @Inject(STORE) private readonly store: Store,
    private readonly bus: EventBus,
    private readonly metrics: MetricsService,
  ) {
    this.pod = `${config.podId}.${process.pid}`;
  }

  async start(): Promise<void> {
    if (!this.config.scopedKeys.enabled || !this.config.nodeKey) return;
    await this.reload();
    this.unsubscribe = this.bus.subscribe(subjects.keysRotated('*'), () => {
      this.loading = this.loading.then(() => this.reload());
    });
    const every = Math.max(200, Math.min(1000, this.config.scopedKeys.beaconTtlMs / 3));
    this.timer = setInterval(() => {
      this.loading = this.loading.then(() => this.reload());
    }, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** The key to search `nodeUid` with, or undefined for the node key (no scoped key yet). */
  keyFor(nodeUid: string): string | undefined {
    return this.keys.get(nodeUid)?.value;
  }

  private async reload(): Promise<void> {
    try {
      const records: ScopedKeyRecord[] = await this.store.scopedKeys.list();
      const generations: Record<string, number> = {};
      for (const record of records) {
        if (!usableKey(record)) continue;
        generations[record.indexUid] = record.generation;
        const labels = { index: record.indexUid };
        this.metrics.scopedKeyGeneration.set(labels, record.generation);
        if (record.rotatedAt) {
          this.metrics.scopedKeyAge.set(labels, (Date.now() - Date.parse(record.rotatedAt)) / 1000);
        }
        const held = this.keys.get(record.indexUid);
        if (held?.generation === record.generation) continue;
        this.keys.set(record.indexUid, {
          generation: record.generation,
          value: deriveKey(this.config.nodeKey!, record.primaryUid),
        });
      }
      await this.store.beacons.put(
        this.pod,
        { pod: this.pod, generations, seenAt: new Date().toISOString() },
        { ttlMs: this.config.scopedKeys.beaconTtlMs },
      );
    } catch (err) {
      this.logger.warn(`scoped keys not reloaded: ${(err as Error).message}`);
    }
  }
}
