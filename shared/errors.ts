/** Error codes every host (HTTP, IPC, CLI) maps the same way. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  /** A state-changing request whose Origin is another site. */
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** Another program (a Stockfeed server, the app, the command line) has the database open, so it cannot be replaced now. */
  database_in_use: 409,
  insufficient_stock: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  /** The Host header names a host this server does not answer to (DNS rebinding); see --allowed-hosts. */
  misdirected_request: 421,
  validation_failed: 422,
  /** A file offered for a restore is not an intact Stockfeed database this version can use. */
  backup_invalid: 422,
  rate_limited: 429,
  /** A sales channel's API did not answer, or refused (Connect, the drift check). */
  bad_gateway: 502,
  internal: 500,
  /** Stockfeed's backups copy its SQLite file; a PostgreSQL database is backed up with pg_dump. */
  use_pg_dump: 501,
  /** The disk holding the data (or the database server's) is full; nothing of the request was saved. */
  insufficient_storage: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type FieldIssue = { path: string; message: string };

/** The JSON shape of every error the API returns: `{ "error": ErrorBody }`. */
export type ErrorBody = { code: ErrorCode; message: string; details?: unknown };

/** An expected failure with a code, a sentence for a person and optional structured details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && v.code in ERROR_STATUS && typeof v.message === 'string';
}
