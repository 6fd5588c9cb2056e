// Where the command-line tools write, so tests can capture it; and a storage logger for them.
import type { StorageLogger } from '@mm/storage';

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Storage's warnings and errors as plain lines (storage never puts a secret in them). */
export function cliLogger(out: Output): StorageLogger {
  const line = (details: Record<string, unknown>, message: string) => `${message}${Object.keys(details).length > 0 ? ` ${JSON.stringify(details)}` : ''}\n`;
  return {
    info: () => undefined,
    warn: (details, message) => out.stderr(line(details, message)),
    error: (details, message) => out.stderr(line(details, message)),
  };
}
