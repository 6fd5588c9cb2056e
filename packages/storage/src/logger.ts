// The logger storage writes to. Its shape matches pino (object first, message second), so the
// server can pass its own logger; the default prints warnings and errors to stderr.
// Nothing that reaches a logger ever contains a credential or the database password.

export interface StorageLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export const consoleLogger: StorageLogger = {
  info: () => undefined,
  warn: (details, message) => console.warn(`[storage] ${message}`, details),
  error: (details, message) => console.error(`[storage] ${message}`, details),
};

export const silentLogger: StorageLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** postgres://user:secret@host/db → postgres://user:***@host/db, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable database URL)';
  }
}
