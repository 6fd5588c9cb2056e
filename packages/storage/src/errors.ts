// Turns driver errors into EngineErrors. The line that matters: "the database is unreachable"
// (retry later, go degraded, never drop the write) versus "this statement is wrong" (retrying
// cannot help; the write is isolated and reported).
import { EngineError } from '@mm/core';

/** SQLSTATE classes that mean the server or the connection is not usable right now. */
const UNAVAILABLE_CLASSES = new Set(['08', '28', '3D', '53', '57', '58']);

interface DriverError {
  readonly code?: unknown;
  readonly severity?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/** The PostgreSQL error (with a SQLSTATE) inside drizzle's wrappers, if there is one. */
function databaseError(error: unknown): { code: string; message: string } | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const d = e as DriverError;
    // pg and PGlite both use pg-protocol's DatabaseError, which carries a severity
    if (typeof d.code === 'string' && typeof d.severity === 'string') return { code: d.code, message: String(d.message ?? '') };
    e = d.cause;
  }
  return undefined;
}

/** True when the failure is about reaching the database, not about the statement. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof EngineError) return error.code === 'STORAGE_UNAVAILABLE';
  const db = databaseError(error);
  // no SQLSTATE: a socket error, a timeout, a closed pool or a closed PGlite
  if (db === undefined) return true;
  if (UNAVAILABLE_CLASSES.has(db.code.slice(0, 2))) return true;
  return db.code === '55000' && /accepting connections/i.test(db.message);
}

export function sqlState(error: unknown): string | undefined {
  return databaseError(error)?.code;
}

/** The innermost message, without drizzle's "Failed query: <sql> params: <values>" wrapper. */
export function rootMessage(error: unknown): string {
  let e: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    message = e.message;
    e = e.cause;
  }
  return message;
}

export function unavailableError(what: string, cause?: unknown): EngineError {
  const reason = cause === undefined ? '' : `: ${rootMessage(cause)}`;
  return new EngineError(
    'STORAGE_UNAVAILABLE',
    `the database is unreachable (${what})${reason}. Check that PostgreSQL is running and DATABASE_URL is right; queued writes are kept and retried`,
    { retryable: true, ...(cause === undefined ? {} : { cause }) },
  );
}

/** Normalises a failure into an EngineError the caller can act on. */
export function toStorageError(what: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  if (isUnavailable(error)) return unavailableError(what, error);
  const code = sqlState(error);
  if (code === '23505') return new EngineError('CONFLICT', `${what}: ${rootMessage(error)}`, { cause: error });
  if (code === '23503') return new EngineError('INVALID_ARGUMENT', `${what}: a referenced row does not exist (${rootMessage(error)})`, { cause: error });
  if (code !== undefined && (code.startsWith('22') || code.startsWith('23'))) {
    return new EngineError('INVALID_ARGUMENT', `${what}: ${rootMessage(error)}`, { cause: error });
  }
  return new EngineError('INTERNAL', `${what}: ${rootMessage(error)}`, { cause: error });
}
