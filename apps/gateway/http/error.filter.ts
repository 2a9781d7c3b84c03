import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MeiliError } from '#lib/errors';
import { clientFacingMessage, NodeApiError, NodeError } from '#lib/node-client';

const logger = new Logger('Errors');

/** Status and body for anything thrown while serving a request: always Meilisearch's error shape. */
export function renderError(exception: unknown): { status: number; body: unknown } {
  if (exception instanceof MeiliError)
    return { status: exception.status, body: exception.toJSON() };
  // A node's own error passes through, with Miroir's reserved fields kept out of its message.
  if (exception instanceof NodeApiError) {
    const body = exception.body as { message?: unknown };
    return {
      status: exception.status,
      body:
        typeof body.message === 'string' ? { ...body, message: hideReserved(body.message) } : body,
    };
  }
  if (exception instanceof NodeError) {
    const err = new MeiliError(
      'miroir_shard_unavailable',
      `A node could not answer: ${exception.message}`,
    );
    return { status: err.status, body: err.toJSON() };
  }
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    return { status: 404, body: undefined }; // unknown route: empty 404, as Meilisearch
  }
  const status = (exception as { statusCode?: number }).statusCode;
  if (status === 413) {
    return render(
      new MeiliError('payload_too_large', 'The provided payload reached the size limit.'),
    );
  }
  if (status === 415) {
    return render(new MeiliError('invalid_content_type', 'The Content-Type header is invalid.'));
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return render(new MeiliError('bad_request', (exception as Error).message));
  }
  logger.error(
    exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
  );
  return render(new MeiliError('internal', 'An internal error occurred.'));
}

function render(err: MeiliError): { status: number; body: unknown } {
  return { status: err.status, body: err.toJSON() };
}

/** The one place errors become responses: Meilisearch's error object, never a stack trace. */
@Catch()
export class MeiliErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = renderError(exception);
    if (body === undefined) void reply.code(status).send();
    else void reply.code(status).send(body);
  }
}

/** Removes reserved `_miroir_*` names from a node's message (see `clientFacingMessage`). */
export function hideReserved(message: string): string {
  return clientFacingMessage(message);
}
