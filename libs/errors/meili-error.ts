/** Meilisearch's error `type` values. */
export type ErrorType = 'invalid_request' | 'internal' | 'auth' | 'system';

/** Meilisearch's error object, as every client-facing error is rendered. */
export interface ErrorObject {
  message: string;
  code: string;
  type: ErrorType;
  link: string;
}

const STATUS_BY_CODE: Record<string, number> = {
  missing_authorization_header: 401,
  missing_master_key: 401,
  invalid_api_key: 403,
  index_not_found: 404,
  document_not_found: 404,
  task_not_found: 404,
  batch_not_found: 404,
  api_key_not_found: 404,
  not_found: 404,
  index_already_exists: 409,
  api_key_already_exists: 409,
  payload_too_large: 413,
  missing_content_type: 415,
  invalid_content_type: 415,
  internal: 500,
  // Miroir's own situations (api.md).
  miroir_primary_key_required: 400,
  miroir_reserved_field: 400,
  miroir_log_unavailable: 503,
  miroir_shard_unavailable: 503,
  miroir_multi_alias_not_writable: 409,
  miroir_alias_not_found: 404,
  miroir_alias_already_exists: 409,
  miroir_alias_policy_owned: 409,
  miroir_jwt_invalid: 401,
  miroir_jwt_scope_denied: 403,
  miroir_rate_limited: 429,
  miroir_idempotency_key_reused: 409,
  miroir_not_ready: 503,
  miroir_unsupported: 501,
  miroir_check_not_found: 404,
  miroir_node_not_found: 404,
  miroir_node_already_exists: 409,
  miroir_node_holds_last_copy: 409,
  miroir_not_enough_nodes: 409,
  miroir_node_state_conflict: 409,
  miroir_invalid_node: 400,
};

/** Meilisearch's HTTP status for a code: the table above, else 400 (every `invalid_*`/`missing_*`). */
export function statusOf(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

/** `auth` for 401/403, `internal` for 5xx, `invalid_request` otherwise. */
export function typeOf(status: number): ErrorType {
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500 && status !== 501 && status !== 503) return 'internal';
  if (status === 503) return 'system';
  return 'invalid_request';
}

export function errorLink(code: string): string {
  return `https://docs.meilisearch.com/errors#${code}`;
}

/**
 * A failure that renders as Meilisearch's error object. Libraries throw it; the HTTP edge of each
 * app renders it with `toJSON()` and `status`.
 */
export class MeiliError extends Error {
  readonly status: number;
  readonly type: ErrorType;

  constructor(
    readonly code: string,
    message: string,
    options: { status?: number; type?: ErrorType } = {},
  ) {
    super(message);
    this.name = 'MeiliError';
    this.status = options.status ?? statusOf(code);
    this.type = options.type ?? typeOf(this.status);
  }

  toJSON(): ErrorObject {
    return { message: this.message, code: this.code, type: this.type, link: errorLink(this.code) };
  }

  /** Rebuilds an error object received from a node, keeping its code, type and status unchanged. */
  static fromObject(body: ErrorObject, status: number): MeiliError {
    return new MeiliError(body.code, body.message, { status, type: body.type });
  }
}
