import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { MeiliError } from '#lib/errors';
import { IDEMPOTENCY_TTL_MS, type IdempotencyRecord, type Store } from '#lib/store';
import { STORE } from '../infra/tokens.js';
import { summarise } from '../tasks/task-view.js';

/** A reservation: the first request with the key is still running. */
const PENDING = -1;
const WAIT_FOR_FIRST_MS = 10_000;

/**
 * `Idempotency-Key` on writes (api.md): a retry with the same key and the same request returns the
 * original task instead of writing again; the same key with another request is refused (409
 * `miroir_idempotency_key_reused`). Keys are scoped to the credential that sent them and kept 24 h.
 * The key is reserved before the write runs, so two concurrent retries never both write.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(@Inject(STORE) private readonly store: Store) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || req.method === 'GET') return next.handle();
    return from(this.run(req, key, () => lastValueFrom(next.handle())));
  }

  private async run(req: FastifyRequest, key: string, write: () => Promise<unknown>) {
    const id = sha256(`${req.headers.authorization ?? ''}\n${key}`);
    const bodyHash = sha256(
      `${req.method} ${req.url}\n${Buffer.isBuffer(req.body) ? req.body.toString('base64') : ''}`,
    );
    const reservation: IdempotencyRecord = {
      key,
      bodyHash,
      taskUid: PENDING,
      createdAt: new Date().toISOString(),
    };
    let existing = await this.store.idempotency.putIfAbsent(id, reservation, {
      ttlMs: IDEMPOTENCY_TTL_MS,
    });
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    while (existing && existing.bodyHash === bodyHash && existing.taskUid === PENDING) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
      existing = await this.store.idempotency.get(id);
      if (!existing) {
        // The first request failed and released the key: this one writes.
        existing = await this.store.idempotency.putIfAbsent(id, reservation, {
          ttlMs: IDEMPOTENCY_TTL_MS,
        });
      }
    }
    if (existing) {
      if (existing.bodyHash !== bodyHash || existing.taskUid === PENDING) {
        throw new MeiliError(
          'miroir_idempotency_key_reused',
          existing.bodyHash !== bodyHash
            ? `Idempotency-Key \`${key}\` was used for another request.`
            : `A request with Idempotency-Key \`${key}\` is still running.`,
        );
      }
      const task = await this.store.tasks.get(existing.taskUid);
      if (task) return summarise(task);
    }
    try {
      const result = await write();
      const taskUid = (result as { taskUid?: unknown } | null)?.taskUid;
      if (typeof taskUid === 'number') {
        await this.store.idempotency.put(
          id,
          { ...reservation, taskUid },
          { ttlMs: IDEMPOTENCY_TTL_MS },
        );
      } else {
        await this.store.idempotency.delete(id);
      }
      return result;
    } catch (err) {
      await this.store.idempotency.delete(id); // nothing was acknowledged: a retry may write
      throw err;
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
