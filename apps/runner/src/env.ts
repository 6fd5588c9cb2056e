// A runner's settings, from its environment (.env.example, "runner fleet", lists them all).
import { hostname } from 'node:os';

export interface RunnerEnv {
  readonly databaseUrl: string;
  readonly appSecret: string | undefined;
  readonly name: string;
  readonly leaseTtlMs: number;
  readonly leaseRenewMs: number;
  readonly paperVenueUrl: string;
  readonly runnerToken: string | undefined;
  readonly stopDeadlineMs: number;
  readonly logLevel: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number of milliseconds from ${min} to ${max}, not "${text}"`);
  return value;
}

/** Empty values count as unset (`NAME=` in an env file). Throws with every problem listed. */
export function loadRunnerEnv(env: Readonly<Record<string, string | undefined>>): RunnerEnv {
  const get = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);
  const problems: string[] = [];
  const attempt = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      problems.push((error as Error).message);
      return fallback;
    }
  };
  const databaseUrl = get(env.DATABASE_URL);
  if (databaseUrl === undefined) problems.push('DATABASE_URL is required: a runner shares the PostgreSQL database of the server');
  const leaseTtlMs = attempt(() => integer('LEASE_TTL_MS', env.LEASE_TTL_MS, 10_000, 3_000, 120_000), 10_000);
  const leaseRenewMs = attempt(() => integer('LEASE_RENEW_MS', env.LEASE_RENEW_MS, 2_000, 500, 60_000), 2_000);
  if (leaseRenewMs * 2 > leaseTtlMs) problems.push(`LEASE_RENEW_MS (${leaseRenewMs}) must be at most half of LEASE_TTL_MS (${leaseTtlMs})`);
  const stopDeadlineMs = attempt(() => integer('STOP_DEADLINE_MS', env.STOP_DEADLINE_MS, 10_000, 1_000, 120_000), 10_000);
  const logLevel = get(env.LOG_LEVEL) ?? 'info';
  if (!LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  const runnerToken = get(env.RUNNER_TOKEN);
  if (problems.length > 0) throw new Error(`invalid runner environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    databaseUrl: databaseUrl!,
    appSecret: get(env.APP_SECRET),
    name: get(env.RUNNER_NAME) ?? `${hostname()}-${process.pid}`,
    leaseTtlMs,
    leaseRenewMs,
    paperVenueUrl: get(env.PAPER_VENUE_URL) ?? 'ws://127.0.0.1:8080/api/venue',
    runnerToken,
    stopDeadlineMs,
    logLevel,
  };
}
