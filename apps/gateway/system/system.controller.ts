import { All, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MeiliError } from '#lib/errors';
import { HttpNodeClient } from '#lib/node-client';
import { Public, RequireAction } from '../auth/auth.guard.js';
import type { Access } from '../auth/access.js';
import { CurrentAccess, JsonBody } from '../http/request.js';
import { TopologyService } from '../infra/topology.service.js';
import { SwapService } from './swap.service.js';
import { MIROIR_VERSION } from './version.js';

@Controller()
export class SystemController {
  constructor(
    private readonly topology: TopologyService,
    private readonly nodes: HttpNodeClient,
    private readonly swaps: SwapService,
  ) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'available' };
  }

  /** The nodes' Meilisearch version (SDKs check it), with Miroir's own in the commit fields. */
  @Get('version')
  @RequireAction('version')
  async version() {
    for (const nodeId of await this.topology.broadcastNodes()) {
      try {
        const v = await this.nodes.version(nodeId);
        return {
          commitSha: `miroir-${MIROIR_VERSION}`,
          commitDate: v.commitDate,
          pkgVersion: v.pkgVersion,
        };
      } catch {
        /* try the next node */
      }
    }
    throw new MeiliError('miroir_shard_unavailable', 'No node answered GET /version.');
  }

  @Post('swap-indexes')
  @HttpCode(202)
  @RequireAction('indexes.swap')
  swap(@JsonBody() body: unknown, @CurrentAccess() access: Access) {
    return this.swaps.swap(body, access);
  }

  /** Meilisearch features Miroir does not route: a clear refusal, never a silent wrong answer. */
  @All([
    'dumps',
    'snapshots',
    'export',
    'network',
    'webhooks',
    'webhooks/*',
    'chats/*',
    'batches',
    'batches/*',
    'experimental-features',
    'indexes/:indexUid/similar',
    'indexes/:indexUid/documents/edit',
    'indexes/:indexUid/compact',
    'indexes/:indexUid/fields',
    'logs/*',
  ])
  @Public()
  unsupported(@Req() req: FastifyRequest): never {
    const path = req.url.split('?')[0];
    throw new MeiliError(
      'miroir_unsupported',
      `\`${req.method} ${path}\` is not supported by Miroir.`,
    );
  }
}
