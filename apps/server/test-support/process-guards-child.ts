// Child process for process-guards.test.ts: installs the guards, then lets a promise reject
// unhandled ("rejection") or throws from a timer ("exception"), and reports as JSON lines.
import { installProcessGuards } from '@mm/runner';

const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

installProcessGuards({
  error: (details, message) => say({ message, error: details['error'], stack: typeof details['stack'] === 'string' }),
  shutdown: (reason, exitCode) => {
    say({ shutdown: reason, exitCode });
    setTimeout(() => process.exit(exitCode), 10);
  },
});

if (process.argv[2] === 'rejection') {
  void Promise.reject(new Error('stray send on a closed socket'));
  setTimeout(() => {
    say({ alive: true });
    process.exit(0);
  }, 200);
} else {
  setTimeout(() => {
    throw new Error('state is unknown');
  }, 10);
  setTimeout(() => say({ alive: true }), 3_000);
}
