// Health, metrics, the API description, venues, market snapshots, logs and the audit trail.
import { EngineError, VENUE_CREDENTIALS, fx } from '@mm/core';
import type { HealthDto, MarketSnapshotDto, Page, RunnerDto, VenueInfoDto, AuditDto } from '@mm/core';
import type { FleetView } from '@mm/runner';
import type { Storage } from '@mm/storage';
import { z } from 'zod';
import { eventDto, instrumentDto, page } from '../bots/dto.ts';
import { marketsOf } from '@mm/runner';
import type { VenueRegistry } from '@mm/runner';
import { renderMetrics } from './metrics.ts';
import type { Routes } from './route.ts';

export interface SystemDeps {
  readonly storage: Storage;
  readonly fleet: FleetView & { runnerList(): RunnerDto[] };
  readonly registry: VenueRegistry;
  readonly version: string;
  readonly startedAt: number;
  readonly metricsToken: string | undefined;
}

const VENUES: VenueInfoDto[] = [
  { venue: 'sim', label: 'Paper (simulated exchange)', markets: ['spot', 'perp'], credentialSets: VENUE_CREDENTIALS.sim, status: 'available' },
  { venue: 'asterdex', label: 'Asterdex', markets: ['perp', 'spot'], credentialSets: VENUE_CREDENTIALS.asterdex, status: 'available' },
  {
    venue: 'bitmart',
    label: 'BitMart',
    markets: ['spot'],
    credentialSets: VENUE_CREDENTIALS.bitmart,
    status: 'closed: BitMart stopped all trading on 2026-08-26 and closes on 2027-01-31; the connector is kept for its documented API',
  },
  {
    venue: 'ccxt',
    label: 'Other spot (ccxt)',
    markets: ['spot'],
    credentialSets: VENUE_CREDENTIALS.ccxt,
    status: 'spot on any venue ccxt supports (e.g. MEXC, Gate, KuCoin); tested against a Binance-style mock; no third-party fee or referral parameter is ever sent',
  },
];

export function systemRoutes(routes: Routes, deps: SystemDeps): void {
  const { storage, fleet, registry } = deps;

  routes.add({
    method: 'GET',
    url: '/api/health',
    summary: 'Liveness and database health',
    tag: 'system',
    auth: false,
    response: 'HealthDto',
    handler: ({ reply }): HealthDto => {
      const bots = fleet.list();
      const database = storage.health;
      const body: HealthDto = {
        status: database === 'ok' ? 'ok' : 'degraded',
        database,
        bots: { total: bots.length, running: bots.filter((b) => b.state === 'RUNNING').length, error: bots.filter((b) => b.state === 'ERROR').length },
        version: deps.version,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
      };
      if (body.status !== 'ok') reply.code(503);
      return body;
    },
  });

  routes.add({
    method: 'GET',
    url: '/metrics',
    summary: 'Prometheus metrics (session or METRICS_TOKEN bearer)',
    tag: 'system',
    auth: false,
    response: 'text/plain; version=0.0.4',
    handler: ({ request, reply, session }) => {
      const bearer = request.headers.authorization?.replace(/^Bearer\s+/i, '');
      const tokenOk = deps.metricsToken !== undefined && bearer === deps.metricsToken;
      if (session === undefined && !tokenOk) throw new EngineError('UNAUTHENTICATED', 'log in or send the METRICS_TOKEN as a bearer token');
      reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
      return renderMetrics(fleet, storage, deps.startedAt);
    },
  });

  routes.add({ method: 'GET', url: '/api/openapi.json', summary: 'This API, described as OpenAPI 3.1', tag: 'system', auth: false, handler: () => routes.openApi(deps.version) });

  routes.add({
    method: 'GET',
    url: '/api/runners',
    summary: 'The runner processes: heartbeat, bots held, memory (live ones first, then those stopped within the hour)',
    tag: 'system',
    response: 'RunnerDto[]',
    handler: () => fleet.runnerList(),
  });

  routes.add({ method: 'GET', url: '/api/venues', summary: 'Supported venues, markets and the credentials each needs', tag: 'system', response: 'VenueInfoDto[]', handler: () => VENUES });

  routes.add({
    method: 'GET',
    url: '/api/market',
    summary: 'What the grid preview needs: instrument, reference, best prices, inventory and fees',
    tag: 'system',
    query: z.object({ accountId: z.string().min(1).max(64), symbol: z.string().min(1).max(64) }),
    response: 'MarketSnapshotDto',
    handler: async ({ query }): Promise<MarketSnapshotDto> => {
      const account = await storage.accounts.get(query.accountId);
      if (account === undefined) throw new EngineError('NOT_FOUND', `no account ${query.accountId}`);
      for (const market of marketsOf(account)) {
        const adapter = await registry.forAccount(account, market);
        const inst = (await adapter.instruments()).find((i) => i.symbol === query.symbol);
        if (inst === undefined) continue;
        // a bot already on this market knows the freshest prices
        const bot = fleet.list().find((b) => b.accountKey === adapter.accountKey && b.symbol === query.symbol && b.instrument !== undefined);
        const stats = bot?.stats();
        const book = bot?.currentBook();
        const balances = await adapter.balances();
        const fees = await adapter.feeRates(inst.symbol);
        const base = inst.kind === 'spot' ? balances.find((b) => b.asset === inst.base)?.total ?? 0n : 0n;
        const quote = balances.find((b) => b.asset === (inst.kind === 'spot' ? inst.quote : inst.marginAsset))?.total ?? 0n;
        const bestBid = book?.bids[0] !== undefined ? inst.ticksToPrice(book.bids[0].priceTicks) : undefined;
        const bestAsk = book?.asks[0] !== undefined ? inst.ticksToPrice(book.asks[0].priceTicks) : undefined;
        return {
          instrument: instrumentDto(inst),
          reference:
            stats?.reference ??
            (bestBid !== undefined && bestAsk !== undefined ? fx.format((fx.parse(bestBid) + fx.parse(bestAsk)) / 2n) : account.venue === 'sim' ? registry.paperReference(account, inst.symbol) : undefined),
          bestBid,
          bestAsk,
          inventory: { base: fx.format(base), quote: fx.format(quote) },
          fees: { maker: fx.format(fees.maker), taker: fx.format(fees.taker) },
          at: Date.now(),
        };
      }
      throw new EngineError('UNKNOWN_SYMBOL', `${query.symbol} is not traded on ${account.name}`);
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/events',
    summary: 'Activity and error log of every bot',
    tag: 'system',
    query: z.object({
      botId: z.string().max(64).optional(),
      level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
      q: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(200).optional(),
    }),
    response: 'Page<EventDto>',
    handler: async ({ query }) => page(await storage.events.list({ botId: query.botId, minLevel: query.level, text: query.q, limit: query.limit, cursor: query.cursor }), eventDto),
  });

  routes.add({
    method: 'GET',
    url: '/api/audit',
    summary: 'Every state-changing call, with user and address',
    tag: 'system',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().max(200).optional() }),
    response: 'Page<AuditDto>',
    handler: async ({ query }): Promise<Page<AuditDto>> =>
      page(await storage.audit.list({ limit: query.limit, cursor: query.cursor }), (e) => ({ id: String(e.id), user: e.username ?? e.userId ?? 'unknown', ip: e.ip, action: e.action, target: e.target, details: e.details, at: e.at })),
  });
}
