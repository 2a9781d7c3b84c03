import type { FastifyReply } from 'fastify';
import type { TaskSummary } from '../tasks/task-view.js';

/** A write's 202 answer, and `X-Miroir-Degraded` when copies were missed. */
export interface WriteAnswer {
  summary: TaskSummary;
  degraded?: string;
}

/** `X-Miroir-Degraded` of a broadcast: the nodes that missed it (their writes became hints). */
export function missedNodes(missed: readonly string[]): string | undefined {
  return missed.length > 0 ? `nodes=${missed.join(',')}` : undefined;
}

/** Sets the header when degraded; returns the body (controllers use `passthrough` replies). */
export function sendWriteAnswer(reply: FastifyReply, result: WriteAnswer): TaskSummary {
  if (result.degraded) void reply.header('X-Miroir-Degraded', result.degraded);
  return result.summary;
}
