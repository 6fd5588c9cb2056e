// Server settings from the environment, validated once at start-up with clear messages.
import { z } from 'zod';

const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  APP_SECRET: z.string().optional(),
  /** Sets the admin password on first run without the setup page (unattended installs). */
  ADMIN_PASSWORD: z.string().min(10, 'ADMIN_PASSWORD must have at least 10 characters').optional(),
  /** Extra origins allowed to call the API and open the WebSocket, comma-separated. */
  CORS_ORIGINS: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the built dashboard is served from. */
  WEB_DIST: z.string().optional(),
  /** Create and start the demo paper bot on first run. */
  DEMO_BOT: z.stringbool().default(true),
  /** Session lifetime and idle timeout. */
  SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(12 * 60),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  /** Bearer token for scraping /metrics without a session (optional). */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Seed of the simulated paper market. */
  PAPER_SEED: z.coerce.number().int().default(1),
  /**
   * Apply pending database migrations at start-up (the default). A production install whose app
   * role has no DDL rights sets false: migrations are then run by `npm run migrate` with the
   * migration role, and start-up only checks that none is pending.
   */
  MIGRATE_ON_START: z.stringbool().default(true),
  /**
   * Behind a reverse proxy (nginx): take the client address and https from X-Forwarded-For and
   * X-Forwarded-Proto (secure cookies, per-client login limits). Only with the app reachable
   * through the proxy alone, and a proxy that overwrites those headers (infra/nginx does).
   */
  TRUST_PROXY: z.stringbool().default(false),
  /** Deadline for bots to cancel their orders on shutdown. */
  STOP_DEADLINE_MS: z.coerce.number().int().min(1_000).default(10_000),
  /**
   * embedded: one runner inside this process trades the bots (the default, `npm start`);
   * external: runner processes do (`npm run runner`), this server trades nothing.
   */
  RUNNERS: z.enum(['embedded', 'external']).default('embedded'),
  /** A bot's lease lasts this long unless renewed (runners and the server must agree). */
  LEASE_TTL_MS: z.coerce.number().int().min(3_000).max(120_000).default(10_000),
  /** How often the embedded runner renews its leases (at most half the TTL). */
  LEASE_RENEW_MS: z.coerce.number().int().min(500).max(60_000).default(2_000),
  /** The shared secret runners present at /api/venue (the paper exchange served to them); unset: the endpoint is closed. */
  RUNNER_TOKEN: z.string().min(16, 'RUNNER_TOKEN must have at least 16 characters').optional(),
  /** The embedded runner's name on the dashboard (unset: embedded). */
  RUNNER_NAME: z.string().optional(),
});

export type ServerEnv = z.output<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  // an empty value (`METRICS_TOKEN=` in an env file, `${VAR:-}` in compose) means "not set"
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Origins allowed for CORS and the WebSocket: the server's own plus CORS_ORIGINS. */
export function allowedOrigins(env: ServerEnv, actualPort: number): Set<string> {
  const own = [`http://127.0.0.1:${actualPort}`, `http://localhost:${actualPort}`];
  if (env.HOST !== '127.0.0.1' && env.HOST !== '0.0.0.0' && env.HOST !== '::') own.push(`http://${env.HOST}:${actualPort}`);
  const extra = env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  return new Set([...own, ...extra]);
}
