import { AdminSessionController } from './auth/admin-session.controller.js';
import { AdminSessionService } from './auth/admin-session.service.js';
import { SearchUiController } from './search-ui/search-ui.controller.js';
import { SearchUiService } from './search-ui/search-ui.service.js';
import { ScopedKeyService } from './search/scoped-key.service.js';
import { AliasService } from './aliases/alias.service.js';
import { AliasesController } from './aliases/aliases.controller.js';
import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { EventBus, WriteLog } from '#lib/bus';
import type { MiroirConfig } from '#lib/config';
import { JobQueues } from '#lib/jobs';
import { HttpNodeClient, NodeHealth } from '#lib/node-client';
import { followNodeKey, jsonLog, NodeKeyFollower, openWriteLog } from '#lib/service';
import { createRedisStore, type Store } from '#lib/store';
import { ActivityService } from './admin/activity.service.js';
import { AdminController } from './admin/admin.controller.js';
import { ConsoleController } from './admin/console.controller.js';
import { NodesController } from './admin/nodes.controller.js';
import { MetricsService } from './admin/metrics.service.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { KeyCacheService } from './auth/key-cache.service.js';
import { DocumentReadsService } from './documents/document-reads.service.js';
import { DocumentWritesService } from './documents/document-writes.service.js';
import { DocumentsController } from './documents/documents.controller.js';
import { MeiliErrorFilter } from './http/error.filter.js';
import { IdempotencyInterceptor } from './http/idempotency.interceptor.js';
import { CatalogService } from './indexes/catalog.service.js';
import { IndexService } from './indexes/index.service.js';
import { IndexesController } from './indexes/indexes.controller.js';
import { CONFIG, LOG, STORE } from './infra/tokens.js';
import { TopologyService } from './infra/topology.service.js';
import { KeysController } from './keys/keys.controller.js';
import { KeysService } from './keys/keys.service.js';
import { SearchContextService } from './search/search-context.service.js';
import { SearchController } from './search/search.controller.js';
import { ScatterExecutor } from './search/scatter.executor.js';
import { SearchService } from './search/search.service.js';
import { SettingsController } from './settings/settings.controller.js';
import { SettingsService } from './settings/settings.service.js';
import { StatsController } from './stats/stats.controller.js';
import { StatsService } from './stats/stats.service.js';
import { SwapService } from './system/swap.service.js';
import { SystemController } from './system/system.controller.js';
import { TaskControlService } from './tasks/task-control.service.js';
import { TaskService } from './tasks/task.service.js';
import { TasksController } from './tasks/tasks.controller.js';
import { LogAppender } from './writes/log-appender.service.js';

/** Closes the connections the gateway opened, once Nest has stopped serving. */
class Connections implements OnApplicationShutdown {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly bus: EventBus,
    private readonly log: WriteLog,
    private readonly jobs: JobQueues,
    private readonly nodes: HttpNodeClient,
    private readonly nodeKey: NodeKeyFollower,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.nodeKey.stop();
    await Promise.allSettled([
      this.jobs.close(),
      this.nodes.close(),
      this.bus.close(),
      this.log.close(),
    ]);
    await this.store.close();
  }
}

@Module({})
export class AppModule {
  static forRoot(config: MiroirConfig): DynamicModule {
    const log = jsonLog('gateway', config.logLevel);
    return {
      module: AppModule,
      controllers: [
        SystemController,
        IndexesController,
        DocumentsController,
        SearchController,
        SettingsController,
        TasksController,
        KeysController,
        StatsController,
        AdminController,
        NodesController,
        AliasesController,
        SearchUiController,
        AdminSessionController,
        ConsoleController,
      ],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOG, useValue: log },
        {
          provide: STORE,
          useFactory: () => createRedisStore({ url: config.redisUrl, prefix: config.keyPrefix }),
        },
        {
          provide: EventBus,
          useFactory: () =>
            EventBus.connect({ url: config.natsUrl, source: `gateway/${config.podId}` }),
        },
        { provide: WriteLog, useFactory: () => openWriteLog(config, `gateway/${config.podId}`) },
        {
          provide: JobQueues,
          useFactory: () =>
            new JobQueues({ redisUrl: config.redisUrl, keyPrefix: config.keyPrefix }),
        },
        { provide: NodeHealth, useFactory: () => new NodeHealth() },
        {
          provide: HttpNodeClient,
          inject: [NodeHealth, MetricsService],
          useFactory: (health: NodeHealth, metrics: MetricsService) =>
            new HttpNodeClient({
              nodeKey: config.nodeKey,
              timeoutMs: config.nodeTimeoutMs,
              health,
              onRequest: (m) => {
                metrics.recordNodeRequest(m);
                // A node that times out, cannot be reached or fails is what an operator looks for.
                if (typeof m.status !== 'number' || m.status >= 500) {
                  if (m.status !== 'aborted') log('warn', 'node-request-failed', { ...m });
                }
              },
            }),
        },
        {
          // Loads a rotated node key before Nest finishes starting, so no node call uses a stale one.
          provide: NodeKeyFollower,
          inject: [STORE, EventBus, HttpNodeClient],
          useFactory: (store: Store, bus: EventBus, nodes: HttpNodeClient) =>
            followNodeKey(config, store, bus, nodes, `${config.podId}.${process.pid}`, log),
        },
        {
          provide: ScatterExecutor,
          inject: [SearchContextService, MetricsService],
          useFactory: (contexts: SearchContextService, metrics: MetricsService) =>
            new ScatterExecutor(
              (uid, choice) => contexts.contextFor(uid, choice),
              () => metrics.partialReads.inc(),
            ),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: MeiliErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        Connections,
        MetricsService,
        TopologyService,
        KeyCacheService,
        AuthService,
        TaskService,
        TaskControlService,
        LogAppender,
        CatalogService,
        IndexService,
        DocumentWritesService,
        DocumentReadsService,
        SearchContextService,
        SearchService,
        SettingsService,
        KeysService,
        StatsService,
        SwapService,
        AliasService,
        ScopedKeyService,
        SearchUiService,
        AdminSessionService,
        ActivityService,
      ],
    };
  }
}
