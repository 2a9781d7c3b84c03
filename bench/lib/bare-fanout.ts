/**
 * The speed budget's baseline (issue 15): the least a search gateway can do — a bare Fastify +
 * undici fan-out of a search to `MIROIR_BARE_NODES` (comma-separated URLs), which parses each
 * node's answer, merges the hits by ranking score, cuts the page and strips the reserved field.
 * Run as its own process so its CPU is measured like the gateway's; it prints the same
 * `{"event":"listening","url":…}` line.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

const nodes = (process.env.MIROIR_BARE_NODES ?? '').split(',').filter(Boolean);
const key = process.env.MIROIR_BARE_NODE_KEY ?? '';
const pools = nodes.map((url) => new Pool(url, { connections: 64, pipelining: 1 }));
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

interface Reply {
  hits: Record<string, unknown>[];
  estimatedTotalHits: number;
  processingTimeMs: number;
}

const app = Fastify({ logger: false });
app.post<{ Params: { index: string }; Body: Record<string, unknown> }>(
  '/indexes/:index/search',
  async (req) => {
    const limit = typeof req.body.limit === 'number' ? req.body.limit : 20;
    const offset = typeof req.body.offset === 'number' ? req.body.offset : 0;
    const body = JSON.stringify({
      ...req.body,
      limit: limit + offset,
      offset: 0,
      showRankingScore: true,
    });
    const replies = await Promise.all(
      pools.map(async (pool) => {
        const res = await pool.request({
          method: 'POST',
          path: `/indexes/${encodeURIComponent(req.params.index)}/search`,
          headers,
          body,
        });
        return (await res.body.json()) as Reply;
      }),
    );
    const hits = replies
      .flatMap((r) => r.hits)
      .sort((a, b) => (b._rankingScore as number) - (a._rankingScore as number))
      .slice(offset, offset + limit)
      .map(({ _miroir_shard: _s, _rankingScore: _r, _rankingScoreDetails: _d, ...hit }) => hit);
    return {
      hits,
      query: req.body.q ?? '',
      processingTimeMs: Math.max(...replies.map((r) => r.processingTimeMs)),
      limit,
      offset,
      estimatedTotalHits: replies.reduce((a, r) => a + r.estimatedTotalHits, 0),
    };
  },
);

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ event: 'listening', service: 'bare-fanout', url })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
