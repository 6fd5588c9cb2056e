// The composition root: storage, the paper world, venues, the fleet (the bots' runners as the
// control plane sees them), the embedded runner unless runners are external, the HTTP API, the
// dashboard stream and the static dashboard, wired together. `createApp` builds everything and
// `listen` serves it; `close` hands the embedded runner's bots over (cancelling their orders),
// flushes storage and exits.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import { LiveClock, botConfigSchema } from '@mm/core';
import type { Clock } from '@mm/core';
import { DEMO_MARKETS, PaperWorld } from '@mm/exchange-sim';
import { FleetClient, LIVE_FACTORIES, Runner, VenueRegistry } from '@mm/runner';
import { openStorage } from '@mm/storage';
import type { Storage } from '@mm/storage';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { LoginLimiter } from './auth/login-limiter.ts';
import { hashPassword } from './auth/passwords.ts';
import { SESSION_COOKIE, SessionStore } from './auth/sessions.ts';
import type { ActiveSession } from './auth/sessions.ts';
import { BotService } from './bots/service.ts';
import { LedgerService } from './ledger/service.ts';
import { allowedOrigins, loadEnv } from './env.ts';
import type { ServerEnv } from './env.ts';
import { accountRoutes } from './http/account-routes.ts';
import { describeAuth, describeRequest, subjectKind } from './http/audit-wording.ts';
import type { AuditSubject } from './http/audit-wording.ts';
import { authRoutes } from './http/auth-routes.ts';
import { botRoutes } from './http/bot-routes.ts';
import { installErrorHandler, installNotFound } from './http/errors.ts';
import { Routes } from './http/route.ts';
import { installSecurity } from './http/security.ts';
import { settingsRoutes } from './http/settings-routes.ts';
import { systemRoutes } from './http/system-routes.ts';
import { DEMO_BOT_INPUT } from './demo-bot.ts';
import { Notifications } from './notifications.ts';
import { PaperLiveWorlds } from './paper-live/worlds.ts';
import { PaperPersistence, loadPaperState } from './paper-state.ts';
import { LocalPaperVenues } from './venues/paper-venues.ts';
import { serveVenuesToRunners } from './venues/venue-endpoint.ts';
import { WsHub } from './ws/hub.ts';

export const VERSION = '0.1.0';

/**
 * How long the paper venue remembers closed orders and fills. Bots look back seconds to minutes
 * (an order in doubt, a lagging fill, a dropped stream); a restart reads the saved state. Without
 * a window the history of ten busy bots grew for a day before its count limit stopped it.
 */
const PAPER_HISTORY_MS = 3_600_000;

/** The built dashboard: dist/web beside the production bundle (dist/server/), else apps/web/dist in the source tree. */
function defaultWebDist(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../web'), resolve(here, '../../../apps/web/dist')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[1]!;
}

/** Vite's content-hashed output: assets/<name>-<hash>.<ext>, maybe with the .br / .gz of the build. */
const HASHED_ASSET = /^assets\/(?:[^/]+\/)*[^/]+-[A-Za-z0-9_-]{6,}\.[A-Za-z0-9]+(?:\.br|\.gz)?$/;

/**
 * Cache-Control of a dashboard file (its path relative to the dist directory): a hashed asset
 * never changes under its name, so browsers keep it a year without asking; everything else
 * (index.html, which names the current assets) is revalidated on every load (ETag, 304).
 */
export function cacheControlFor(file: string): string {
  return HASHED_ASSET.test(file.split(sep).join('/')) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** Log paths that must never reach a log line. */
export const REDACT = [
  'req.headers.cookie',
  'req.headers.authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.apiKey',
  '*.apiSecret',
  '*.secret',
  '*.memo',
  '*.signerPrivateKey',
  '*.botToken',
  '*.credentials',
  'credentials',
  'password',
];

export interface App {
  readonly env: ServerEnv;
  readonly http: FastifyInstance;
  readonly storage: Storage;
  /** The bots' runners as the control plane sees them. */
  readonly fleet: FleetClient;
  /** The runner inside this process (RUNNERS=embedded, the default); undefined with external runners. */
  readonly runner: Runner | undefined;
  readonly bots: BotService;
  readonly world: PaperWorld;
  /** Paper accounts on live market data: their replay worlds and feeds. */
  readonly paperLive: PaperLiveWorlds;
  readonly logger: Logger;
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  readonly env?: ServerEnv;
  /** Where log lines go (tests capture them). */
  readonly logStream?: NodeJS.WritableStream;
  /** The bots' and the paper market's clock (default wall time; the memory soak runs a SimClock). */
  readonly clock?: Clock;
}

export async function createApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? loadEnv();
  if (env.RUNNERS === 'external' && env.DATABASE_URL === undefined) {
    throw new Error('RUNNERS=external needs DATABASE_URL: runner processes share the database with the server, and the embedded one opens in one process only');
  }
  const logger = pino({ level: env.LOG_LEVEL, redact: { paths: REDACT, censor: '[redacted]' } }, options.logStream ?? process.stdout);
  const startedAt = Date.now();

  const storage = await openStorage({
    dataDir: env.DATA_DIR,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.APP_SECRET ? { appSecret: env.APP_SECRET } : {}),
    // with MIGRATE_ON_START=false the app's role needs no DDL rights: migrations ran beforehand
    migrate: env.MIGRATE_ON_START ? 'apply' : 'verify',
    logger,
  });
  if ((await storage.accounts.get('paper')) === undefined) {
    await storage.accounts.create({ id: 'paper', name: 'Paper', venue: 'sim', market: 'spot', live: false });
  }

  const clock = options.clock ?? new LiveClock();
  const restored = await loadPaperState(storage, logger);
  const world = new PaperWorld({ clock, seed: env.PAPER_SEED, markets: DEMO_MARKETS, historyMaxAgeMs: PAPER_HISTORY_MS, ...(restored === undefined ? {} : { restore: restored }) });
  const paper = new PaperPersistence(world, storage, logger);
  world.start();
  paper.start();

  const paperLive = new PaperLiveWorlds({ clock, storage, logger });
  paperLive.start();
  const registry = new VenueRegistry(storage, new LocalPaperVenues(world, paperLive), clock, LIVE_FACTORIES);
  // a stop waits for its cancels (STOP_DEADLINE_MS): the API waits a little longer for the runner's answer
  const fleet = new FleetClient(storage, { ttlMs: env.LEASE_TTL_MS, commandTimeoutMs: env.STOP_DEADLINE_MS + 10_000, logger });
  await fleet.start();
  paperLive.attach(fleet);
  storage.bus.on('health', (change) => {
    logger.warn({ health: change }, change.state === 'ok' ? 'database reachable again' : 'database unreachable: bots hold new orders until it is back');
  });

  const ledger = new LedgerService(storage, fleet, registry);
  const bots = new BotService(storage, fleet, registry, ledger);
  const runner =
    env.RUNNERS === 'embedded'
      ? new Runner({
          storage,
          venues: registry,
          clock,
          logger,
          version: VERSION,
          name: env.RUNNER_NAME ?? 'embedded',
          embedded: true,
          ttlMs: env.LEASE_TTL_MS,
          renewMs: env.LEASE_RENEW_MS,
          timings: { stopDeadlineMs: env.STOP_DEADLINE_MS },
        })
      : undefined;
  await firstRun(env, storage, logger);

  // one logger for everything; typed as Fastify's base logger so the instance keeps default generics
  const http = Fastify({ loggerInstance: logger as unknown as FastifyBaseLogger, bodyLimit: 256 * 1024, trustProxy: env.TRUST_PROXY, forceCloseConnections: true });
  const sessions = new SessionStore(storage, { ttlMs: env.SESSION_TTL_MINUTES * 60_000, idleMs: env.SESSION_IDLE_MINUTES * 60_000 });
  const limiter = new LoginLimiter();
  let origins = allowedOrigins(env, env.PORT);

  await http.register(cookie);
  await http.register(cors, {
    credentials: true,
    origin: (origin, cb) => cb(null, origin === undefined || origins.has(origin)),
  });
  await http.register(websocket, { options: { maxPayload: 64 * 1024 } });
  installSecurity(http, () => origins);
  installErrorHandler(http);

  const authenticate = async (request: FastifyRequest): Promise<ActiveSession | undefined> => sessions.resolve(request.cookies[SESSION_COOKIE]);
  const audit = (request: FastifyRequest, user: string, action: string, details?: Record<string, unknown>) => {
    void storage.audit.record({ username: user, ip: request.ip, action, details: { summary: describeAuth(user, action), ...details } }).catch(() => undefined);
  };
  // every state-changing call is audit-logged with user and address: in words (details.summary,
  // "admin stopped bot “Demo DEMOUSDT”") and as the raw request (action "POST <route>", target id,
  // details.status). The bot's or account's name is read before the handler runs, so that a
  // deleted or renamed one is named as it was.
  const isRead = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  const subjects = new WeakMap<FastifyRequest, AuditSubject>();
  http.addHook('preHandler', async (request) => {
    if (isRead(request.method) || request.cookies[SESSION_COOKIE] === undefined) return;
    const kind = subjectKind(request.routeOptions.url ?? '');
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (kind === undefined || typeof id !== 'string') return;
    const name = await (kind === 'bot' ? storage.bots.get(id) : storage.accounts.get(id)).then((r) => r?.name).catch(() => undefined);
    subjects.set(request, { kind, id, name });
  });
  // a created bot or account: its id and name from the answer
  http.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'POST' || reply.statusCode !== 201 || typeof payload !== 'string') return payload;
    const kind = request.routeOptions.url === '/api/bots' ? 'bot' : request.routeOptions.url === '/api/accounts' ? 'account' : undefined;
    if (kind === undefined) return payload;
    try {
      const created = JSON.parse(payload) as { id?: unknown; name?: unknown };
      if (typeof created.id === 'string') subjects.set(request, { kind, id: created.id, name: typeof created.name === 'string' ? created.name : undefined });
    } catch {
      // not JSON: no id to record
    }
    return payload;
  });
  http.addHook('onResponse', async (request, reply) => {
    if (isRead(request.method)) return;
    const session = (request as FastifyRequest & { session?: ActiveSession }).session;
    if (session === undefined) return;
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const subject = subjects.get(request);
    const target = params.id ?? subject?.id;
    const summary = describeRequest({ user: session.username, method: request.method, route, params, body: request.body, status: reply.statusCode, subject });
    void storage.audit
      .record({
        userId: session.userId,
        username: session.username,
        ip: request.ip,
        action: `${request.method} ${route}`,
        ...(target === undefined ? {} : { target }),
        details: { summary, method: request.method, route, status: reply.statusCode, ...(subject?.name === undefined ? {} : { [`${subject.kind}Name`]: subject.name }) },
      })
      .catch(() => undefined);
  });

  const routes = new Routes(http, authenticate);
  authRoutes(routes, { storage, sessions, limiter, audit });
  botRoutes(routes, bots, storage);
  accountRoutes(routes, storage, registry, bots);
  systemRoutes(routes, { storage, fleet, registry, version: VERSION, startedAt, metricsToken: env.METRICS_TOKEN });
  const notifications = await Notifications.create(storage, fleet, bots, logger);
  settingsRoutes(routes, storage, notifications);

  const hub = new WsHub(fleet, async (botId) => {
    const record = await storage.bots.get(botId);
    return record === undefined ? undefined : bots.summary(record);
  });
  bots.onRemoved((botId) => hub.removed(botId));
  http.get('/ws', {
    websocket: true,
    preValidation: async (request, reply) => {
      const origin = request.headers.origin;
      if (origin !== undefined && !origins.has(origin)) return reply.code(403).send({ error: { code: 'PERMISSION_DENIED', message: `origin ${origin} is not allowed` } });
      if ((await authenticate(request)) === undefined) return reply.code(401).send({ error: { code: 'UNAUTHENTICATED', message: 'log in first' } });
      return undefined;
    },
  }, (socket) => hub.add(socket));
  // external runners reach the paper exchange here; with the embedded runner it stays in-process
  const venueEndpoint = env.RUNNERS === 'external' ? await serveVenuesToRunners(http, storage, registry, env.RUNNER_TOKEN, logger) : undefined;

  const webDist = env.WEB_DIST ?? defaultWebDist();
  const hasDashboard = existsSync(join(webDist, 'index.html'));
  if (hasDashboard) {
    await http.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      // <file>.br / <file>.gz written at build time (scripts/compress-assets.mjs): picked by
      // Accept-Encoding, with Content-Encoding and Vary: Accept-Encoding; the original otherwise
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, path) => reply.header('cache-control', cacheControlFor(relative(webDist, path))),
    });
  } else logger.warn({ webDist }, 'the dashboard is not built; run `npm run build -w @mm/web` (npm start does it for you)');
  installNotFound(http, hasDashboard);

  await runner?.start();

  let closed = false;
  return {
    env,
    http,
    storage,
    fleet,
    runner,
    bots,
    world,
    paperLive,
    logger,
    async listen() {
      const address = await http.listen({ host: env.HOST, port: env.PORT });
      const port = (http.server.address() as { port: number }).port;
      origins = allowedOrigins(env, port);
      return address;
    },
    async close() {
      if (closed) return;
      closed = true;
      logger.info('shutting down: stopping bots and cancelling their orders');
      const step = (name: string) => logger.debug({ step: name }, 'shutdown step');
      hub.close();
      step('hub');
      await notifications.close();
      step('notifications');
      await runner?.drain();
      step('bots');
      await fleet.close();
      await venueEndpoint?.close();
      paper.stop();
      await paper.save();
      step('paper');
      world.stop();
      await registry.closeAll();
      step('venues');
      await http.close();
      step('http');
      await storage.close();
      step('storage');
      logger.info('shut down cleanly');
    },
  };
}

/** First run: the admin from ADMIN_PASSWORD (if set) and the demo paper bot. */
async function firstRun(env: ServerEnv, storage: Storage, logger: Logger): Promise<void> {
  if ((await storage.users.count()) === 0 && env.ADMIN_PASSWORD !== undefined) {
    await storage.users.create({ username: 'admin', passwordHash: await hashPassword(env.ADMIN_PASSWORD) });
    logger.info('admin user created from ADMIN_PASSWORD');
  }
  if (!env.DEMO_BOT || (await storage.settings.get('demoBotCreated')) === true) return;
  const config = botConfigSchema.parse(DEMO_BOT_INPUT);
  const record = await storage.bots.create({ config, desiredState: 'running', changedBy: 'system' });
  await storage.settings.set('demoBotCreated', true);
  logger.info({ botId: record.id }, 'created the demo paper bot');
}

