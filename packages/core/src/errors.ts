// One error type for the whole engine: a code, a message a person can act on, and whether
// trying again may help. Venue adapters map venue codes onto these; the API maps them to HTTP.

export const ERROR_CODES = {
  // input and configuration
  INVALID_ARGUMENT: { retryable: false, http: 400 },
  INVALID_CONFIG: { retryable: false, http: 400 },
  UNKNOWN_SYMBOL: { retryable: false, http: 400 },
  PRICE_OFF_TICK: { retryable: false, http: 400 },
  QTY_OFF_LOT: { retryable: false, http: 400 },
  QTY_BELOW_MIN: { retryable: false, http: 400 },
  QTY_ABOVE_MAX: { retryable: false, http: 400 },
  NOTIONAL_BELOW_MIN: { retryable: false, http: 400 },
  PRICE_OUT_OF_BAND: { retryable: false, http: 400 },
  // order outcomes the venue proved
  INSUFFICIENT_BALANCE: { retryable: false, http: 400 },
  POST_ONLY_WOULD_CROSS: { retryable: false, http: 400 },
  SELF_TRADE_PREVENTED: { retryable: false, http: 400 },
  ORDER_NOT_FOUND: { retryable: false, http: 404 },
  DUPLICATE_CLIENT_ORDER_ID: { retryable: false, http: 409 },
  REDUCE_ONLY_REJECTED: { retryable: false, http: 400 },
  MAX_OPEN_ORDERS: { retryable: false, http: 400 },
  ORDER_REJECTED: { retryable: false, http: 400 },
  NOT_SUPPORTED: { retryable: false, http: 400 },
  // authentication and permissions
  AUTH_FAILED: { retryable: false, http: 401 },
  PERMISSION_DENIED: { retryable: false, http: 403 },
  TIMESTAMP_OUT_OF_WINDOW: { retryable: true, http: 400 },
  // transport and venue health
  RATE_LIMITED: { retryable: true, http: 429 },
  IP_BANNED: { retryable: false, http: 429 },
  NETWORK: { retryable: true, http: 502 },
  TIMEOUT: { retryable: true, http: 504 },
  VENUE_UNAVAILABLE: { retryable: true, http: 503 },
  /** The request may or may not have taken effect; the venue must be asked. Never "rejected". */
  UNKNOWN_OUTCOME: { retryable: false, http: 502 },
  VENUE_ERROR: { retryable: false, http: 502 },
  // engine
  RISK_DENIED: { retryable: false, http: 409 },
  ILLEGAL_TRANSITION: { retryable: false, http: 409 },
  ILLEGAL_STATE: { retryable: false, http: 409 },
  NOT_FOUND: { retryable: false, http: 404 },
  CONFLICT: { retryable: false, http: 409 },
  UNAUTHENTICATED: { retryable: false, http: 401 },
  STORAGE_UNAVAILABLE: { retryable: true, http: 503 },
  /** A runner's lease on a bot ended (expired or taken over): its writes and orders for the bot are refused. */
  LEASE_LOST: { retryable: false, http: 409 },
  /** No live runner holds the bot, so a command cannot be carried out now. */
  NO_RUNNER: { retryable: true, http: 503 },
  INTERNAL: { retryable: false, http: 500 },
} as const satisfies Record<string, { retryable: boolean; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface EngineErrorOptions {
  readonly retryable?: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  /** The venue's own error code or HTTP status, kept for logs and diagnosis. */
  readonly venueCode?: string | number;
}

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly venueCode: string | number | undefined;

  constructor(code: ErrorCode, message: string, options: EngineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.details = options.details;
    this.venueCode = options.venueCode;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message, retryable: this.retryable }
      : { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

/**
 * An EngineError without a stack trace, for expected outcomes on hot paths (an order not found,
 * a post-only cross): the stack says nothing useful there and capturing it dominates the cost.
 */
export function outcomeError(code: ErrorCode, message: string, options?: EngineErrorOptions): EngineError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new EngineError(code, message, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export function isEngineError(value: unknown, code?: ErrorCode): value is EngineError {
  return value instanceof EngineError && (code === undefined || value.code === code);
}

/** Normalises anything thrown into an EngineError, keeping the original as `cause`. */
export function toEngineError(value: unknown, fallback: ErrorCode = 'INTERNAL'): EngineError {
  if (value instanceof EngineError) return value;
  if (value instanceof Error) return new EngineError(fallback, value.message, { cause: value });
  return new EngineError(fallback, typeof value === 'string' ? value : 'unexpected error', { cause: value });
}

/** Result type for operations whose failure is an expected outcome rather than an exception. */
export type Result<T, E = EngineError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
