// Bots: CRUD, lifecycle actions, and everything the bot page shows.
import { BOT_ACTIONS, MAX_CLOSE_SLIPPAGE_PCT, fx, isEngineError, tradingDay } from '@mm/core';
import type { BookDto, ConfigVersionDto, HourlyVolumeDto, VolumeDayDto } from '@mm/core';
import type { Storage } from '@mm/storage';
import { pacing } from '@mm/strategy';
import { z } from 'zod';
import { bookDto, eventDto, page, riskEventDto, statsPointDto, storedFillDto, storedOrderDto } from '../bots/dto.ts';
import type { BotService } from '../bots/service.ts';
import { idParams } from './auth-routes.ts';
import { validationError } from './route.ts';
import type { Routes } from './route.ts';

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
};
const timeRange = {
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
};
const actionParams = z.object({ id: z.string().min(1).max(64), action: z.enum(BOT_ACTIONS) });
const allActionParams = z.object({ action: z.enum(BOT_ACTIONS) });
const actionBody = z
  .object({
    reason: z.string().max(200).optional(),
    closePosition: z
      .object(
        {
          maxSlippagePct: z
            .number({ error: 'give the slippage bound as a number of percent, e.g. 0.5' })
            .gt(0, 'the slippage bound must be above 0 %')
            .max(MAX_CLOSE_SLIPPAGE_PCT, `the slippage bound can be at most ${MAX_CLOSE_SLIPPAGE_PCT} %`),
        },
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys' ? `closePosition takes only maxSlippagePct, not ${issue.keys.join(', ')}` : 'closePosition must be an object like { "maxSlippagePct": 0.5 }',
        },
      )
      .strict()
      .optional()
      .meta({
        description: `Perp bots only: close the bot's own position with reduce-only orders at most maxSlippagePct % (0 < pct ≤ ${MAX_CLOSE_SLIPPAGE_PCT}) through the best opposite price. stop: after cancelling (omitted: cancel orders only), also for a halted bot; close-position: required, for a stopped bot.`,
      }),
  })
  .optional();

/** The volume schedule a running bot keeps (from its start or resume), if it runs. */
function runningExpected(bots: BotService, id: string): string | undefined {
  try {
    const bot = bots.live(id);
    return bot.state === 'RUNNING' || bot.state === 'PAUSED' ? bot.stats().volume.expected : undefined;
  } catch {
    return undefined;
  }
}

function csvCell(value: string | number | undefined): string {
  const s = value === undefined ? '' : String(value);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The bot in the engine, or undefined for a stored bot the engine does not hold. */
function runningBot(bots: BotService, id: string): ReturnType<BotService['live']> | undefined {
  try {
    return bots.live(id);
  } catch (error) {
    if (isEngineError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

export function botRoutes(routes: Routes, bots: BotService, storage: Storage): void {
  routes.add({ method: 'GET', url: '/api/bots', summary: 'Every bot with its live state and stats', tag: 'bots', response: 'BotSummaryDto[]', handler: () => bots.list() });

  routes.add({
    method: 'POST',
    url: '/api/bots',
    summary: 'Create a bot (stopped); 400 with field messages when the config is invalid',
    tag: 'bots',
    body: z.unknown(),
    response: 'BotDetailDto',
    handler: async ({ body, session, reply }) => {
      const created = await bots.create(body, { user: session!.username });
      reply.code(201);
      return created;
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/bots/validate',
    summary: 'Validate a bot config without saving it',
    tag: 'bots',
    body: z.unknown(),
    response: '{ ok: true, config } or 400 with field messages',
    handler: async ({ body }) => ({ ok: true, config: await bots.validate(body) }),
  });

  routes.add({
    method: 'GET',
    url: '/api/ledger',
    summary: 'Totals over every bot\'s ledger, and per account: bots + unattributed activity against the account\'s own change',
    tag: 'bots',
    response: 'LedgerOverviewDto',
    handler: async () => bots.ledger.overview(await storage.bots.list()),
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/ledger.csv',
    summary: 'The bot\'s ledger, one row per trading day (its own fills only)',
    tag: 'bots',
    params: idParams,
    response: 'text/csv',
    handler: async ({ params, reply }) => {
      const record = await storage.bots.require(params.id);
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="ledger-${record.id}.csv"`);
      return bots.ledger.daysCsv(record);
    },
  });

  routes.add({ method: 'GET', url: '/api/bots/:id', summary: 'One bot: config, state, stats, risk', tag: 'bots', params: idParams, response: 'BotDetailDto', handler: ({ params }) => bots.detail(params.id) });

  routes.add({
    method: 'PUT',
    url: '/api/bots/:id',
    summary: 'Replace the config (a new version; a running bot applies it at its next refresh)',
    tag: 'bots',
    params: idParams,
    body: z.unknown(),
    response: 'BotDetailDto',
    handler: ({ params, body, session }) => bots.update(params.id, body, { user: session!.username }),
  });

  routes.add({ method: 'DELETE', url: '/api/bots/:id', summary: 'Stop (cancelling its orders) and archive a bot', tag: 'bots', params: idParams, handler: async ({ params, session }) => bots.remove(params.id, { user: session!.username }) });

  routes.add({
    method: 'POST',
    url: '/api/bots/:id/actions/:action',
    summary: 'start | stop | pause | resume | cancel-all | kill | reset-halt | close-position (a stopped perp bot; body closePosition)',
    tag: 'bots',
    params: actionParams,
    body: actionBody,
    response: 'BotSummaryDto',
    handler: ({ params, body, session }) => {
      const closes = params.action === 'stop' || params.action === 'close-position';
      if (body?.closePosition !== undefined && !closes) throw validationError([{ path: 'closePosition', message: `only stop or close-position can close the position, not ${params.action}` }]);
      if (params.action === 'close-position' && body?.closePosition === undefined) {
        throw validationError([{ path: 'closePosition', message: 'give the slippage bound to close within, e.g. { "closePosition": { "maxSlippagePct": 0.5 } }' }]);
      }
      return bots.act(params.id, params.action, body?.reason, body?.closePosition === undefined ? {} : { closePosition: body.closePosition }, { user: session!.username });
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/bots/actions/:action',
    summary: 'Apply an action to every bot',
    tag: 'bots',
    params: allActionParams,
    body: actionBody,
    response: '{ id, ok, message? }[]',
    handler: ({ params, body, session }) => {
      if (body?.closePosition !== undefined || params.action === 'close-position') {
        throw validationError([{ path: body?.closePosition !== undefined ? 'closePosition' : 'action', message: 'positions are closed one bot at a time: stop that bot with closePosition, or close-position a stopped one' }]);
      }
      return bots.actAll(params.action, body?.reason, { user: session!.username });
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/config-versions',
    summary: 'Every saved version of the config, newest first',
    tag: 'bots',
    params: idParams,
    response: 'ConfigVersionDto[]',
    handler: async ({ params }): Promise<ConfigVersionDto[]> =>
      (await storage.configVersions.list(params.id)).map((v) => ({ version: v.version, config: v.config, changedBy: v.changedBy ?? 'system', changedAt: v.changedAt })),
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/orders',
    summary: 'Orders, newest first (status=open for live ones)',
    tag: 'bots',
    params: idParams,
    query: z.object({ status: z.enum(['open', 'all']).default('all'), side: z.enum(['buy', 'sell']).optional(), tag: z.enum(['mm', 'volume']).optional(), ...pageQuery, ...timeRange }),
    response: 'Page<OrderDto>',
    handler: async ({ params, query }) =>
      page(
        await storage.orders.list({ botId: params.id, live: query.status === 'open' ? true : undefined, side: query.side, tag: query.tag, limit: query.limit, cursor: query.cursor, from: query.from, to: query.to }),
        storedOrderDto,
      ),
  });

  const fillQuery = z.object({ side: z.enum(['buy', 'sell']).optional(), tag: z.enum(['mm', 'volume']).optional(), liquidity: z.enum(['maker', 'taker']).optional(), ...pageQuery, ...timeRange });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/fills',
    summary: 'Fills, newest first',
    tag: 'bots',
    params: idParams,
    query: fillQuery,
    response: 'Page<FillDto>',
    handler: async ({ params, query }) =>
      page(await storage.fills.list({ botId: params.id, side: query.side, tag: query.tag, liquidity: query.liquidity, limit: query.limit, cursor: query.cursor, from: query.from, to: query.to }), storedFillDto),
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/fills.csv',
    summary: 'Fills as CSV (same filters, up to 100,000 rows)',
    tag: 'bots',
    params: idParams,
    query: fillQuery.omit({ limit: true, cursor: true }),
    response: 'text/csv',
    handler: async ({ params, query, reply }) => {
      const lines = ['time,trade_id,client_order_id,side,price,qty,notional,fee,fee_asset,liquidity,leg'];
      let pages = 0;
      for await (const items of storage.fills.pages({ botId: params.id, side: query.side, tag: query.tag, liquidity: query.liquidity, from: query.from, to: query.to }, 500)) {
        for (const f of items) {
          lines.push([new Date(f.venueTime).toISOString(), f.tradeId, f.clientOrderId, f.side, f.price, f.qty, f.notional, f.fee, f.feeAsset, f.liquidity, f.tag].map(csvCell).join(','));
        }
        if (++pages === 200) break;
      }
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="fills-${params.id}.csv"`);
      return lines.join('\n') + '\n';
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/events',
    summary: 'Activity and error log of one bot',
    tag: 'bots',
    params: idParams,
    query: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']).optional(), q: z.string().max(200).optional(), ...pageQuery, ...timeRange }),
    response: 'Page<EventDto>',
    handler: async ({ params, query }) =>
      page(await storage.events.list({ botId: params.id, minLevel: query.level, text: query.q, limit: query.limit, cursor: query.cursor, from: query.from, to: query.to }), eventDto),
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/risk',
    summary: 'Every risk limit with value, threshold and state; active trips; recent risk events',
    tag: 'bots',
    params: idParams,
    query: z.object({ ...pageQuery }),
    handler: async ({ params, query }) => {
      const bot = bots.live(params.id);
      return {
        statuses: bot.riskStatuses(),
        trips: bot.activeRiskTrips(),
        events: page(await storage.riskEvents.list({ botId: params.id, limit: query.limit, cursor: query.cursor }), riskEventDto),
      };
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/volume',
    summary: "Today's hourly volume against the hourly target",
    tag: 'bots',
    params: idParams,
    response: 'VolumeDayDto',
    handler: async ({ params }): Promise<VolumeDayDto> => {
      const detail = await storage.bots.require(params.id);
      const vol = detail.config.volume;
      const now = Date.now();
      const day = tradingDay(now, vol.timezone);
      const rows = await storage.hourlyVolume.list({ botId: params.id, from: day.start, to: day.end });
      const traded = rows.reduce((s, r) => s + fx.parse(r.total), 0n);
      const pace = pacing(vol, traded, now);
      const target = vol.enabled ? fx.parse(vol.dailyTargetQuote) : 0n;
      const activeHours = pace.activeTotalMs / 3_600_000;
      const hours: HourlyVolumeDto[] = rows.map((r) => ({ hourStart: r.hourStart, maker: r.maker, taker: r.taker, volumeLeg: r.volumeLeg, fills: r.fills }));
      return {
        dayStart: day.start,
        target: fx.format(target),
        hourlyTarget: activeHours > 0 ? fx.format(fx.div(target, fx.fromNumber(Math.round(activeHours * 1000) / 1000)), { decimals: 2 }) : '0',
        // a running bot paces from where it started or resumed (its own schedule); else the plain line
        expectedNow: runningExpected(bots, params.id) ?? fx.format(vol.enabled ? pace.expected : 0n, { decimals: 2 }),
        traded: fx.format(traded, { decimals: 2 }),
        hours,
      };
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/stats',
    summary: 'Equity, inventory and PnL over time',
    tag: 'bots',
    params: idParams,
    query: z.object({ ...timeRange, limit: z.coerce.number().int().min(1).max(5_000).default(1_440) }),
    response: 'StatsPointDto[]',
    handler: async ({ params, query }) => (await storage.stats.list({ botId: params.id, from: query.from, to: query.to, limit: query.limit })).map(statsPointDto),
  });

  routes.add({
    method: 'GET',
    url: '/api/bots/:id/book',
    summary: 'The live order book with our own orders marked; live: false and no levels while the bot is stopped or has no market data yet; 404 only for an unknown bot',
    tag: 'bots',
    params: idParams,
    response: 'BookDto',
    handler: async ({ params }): Promise<BookDto> => {
      const bot = runningBot(bots, params.id);
      const book = bot?.currentBook();
      const inst = bot?.instrument;
      const stopped = bot === undefined || bot.state === 'STOPPED' || bot.state === 'INIT';
      if (bot !== undefined && book !== undefined && inst !== undefined && !stopped) return { ...bookDto(book, inst, bot.liveOrders()), live: true };
      // a stored bot that is not running (or still connecting): nothing to show, which is no error
      const record = await storage.bots.require(params.id);
      return { symbol: record.config.symbol, bids: [], asks: [], at: Date.now(), live: false };
    },
  });
}
