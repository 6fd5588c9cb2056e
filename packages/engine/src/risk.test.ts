// Every risk limit, driven on the simulated exchange: the condition happens, the configured
// action follows, and no order violating a pre-trade limit ever reaches the venue (a spy sees
// every request the bot sends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { BotConfigInput, OrderRequest, RiskRule } from '@mm/core';
import type { PaperMarketSpec } from '@mm/exchange-sim';
import { PERP_MARKET, SPOT_MARKET, paperSetup } from '../test-support/paper.ts';
import type { PaperSetup, PaperSetupOptions } from '../test-support/paper.ts';

interface Watch {
  readonly sent: { readonly at: number; readonly request: OrderRequest }[];
  readonly trips: { rule: RiskRule; action: string; at: number }[];
  readonly clears: RiskRule[];
  readonly denials: RiskRule[];
}

function watch(s: PaperSetup, account = 'acct', market: 'spot' | 'perp' = 'spot'): Watch {
  const w: Watch = { sent: [], trips: [], clears: [], denials: [] };
  const venue = s.world.venue(account, market);
  const place = venue.placeOrders.bind(venue);
  venue.placeOrders = (requests) => {
    for (const request of requests) w.sent.push({ at: s.clock.now(), request });
    return place(requests);
  };
  s.manager.events.on('risk', (e) => {
    if (e.type === 'trip') w.trips.push({ rule: e.rule, action: e.action ?? '', at: e.at });
    else if (e.type === 'clear') w.clears.push(e.rule);
    else w.denials.push(e.rule);
  });
  return w;
}

const TIGHT = { bidSpread: { minPct: 0.05, maxPct: 0.6 }, askSpread: { minPct: 0.05, maxPct: 0.6 } };

async function run(config: BotConfigInput | Record<string, unknown>, options: PaperSetupOptions & { minutes?: number; account?: string } = {}) {
  const s = paperSetup(options);
  const w = watch(s, options.account ?? 'acct', (config as { symbol?: string }).symbol === 'TSTPERP' ? 'perp' : 'spot');
  await s.startBot('b', s.config(config as Partial<BotConfigInput>));
  await s.advance((options.minutes ?? 10) * 60_000);
  return { s, w, bot: s.manager.get('b') };
}

const inst = (s: PaperSetup, symbol = 'TSTUSDT') => s.world.exchange.instrument(symbol);

test('max open orders: the bot never has more at the venue than allowed', async () => {
  const { s, w } = await run({ marketMaking: { bidLevels: 5, askLevels: 5 }, risk: { maxOpenOrders: 4 } });
  assert.ok(s.world.exchange.openOrders('acct', 'TSTUSDT').length <= 4);
  assert.ok(w.denials.includes('max_open_orders'));
});

test('max open orders per account: two bots share the account limit', async () => {
  const s = paperSetup();
  const w = watch(s);
  await s.startBot('a', s.config({ marketMaking: { bidLevels: 3, askLevels: 3 }, risk: { maxOpenOrdersPerAccount: 8 } }));
  await s.startBot('b', s.config({ marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 2, maxPct: 3 }, askSpread: { minPct: 2, maxPct: 3 } }, risk: { maxOpenOrdersPerAccount: 8 } }));
  await s.advance(5 * 60_000);
  assert.ok(s.world.exchange.openOrders('acct', 'TSTUSDT').length <= 8);
  assert.ok(w.denials.includes('max_open_orders_account'));
});

test('max order notional: no order above the cap is sent', async () => {
  // VALLEY over 600: levels of about 300, 200 and 100 per side; only the smallest fits under 150
  const { s, w } = await run({ marketMaking: { bidLevels: 3, askLevels: 3, distribution: 'VALLEY', bidBudgetQuote: '600', askBudgetBase: '600' }, risk: { maxOrderNotionalQuote: '150' } });
  assert.ok(w.sent.length > 0);
  for (const { request } of w.sent) assert.ok(inst(s).notional(request.priceTicks!, request.qtyLots) <= fx.parse('150'));
  assert.ok(w.denials.includes('max_order_notional'));
});

test('price deviation (fat finger): no order further from the reference than allowed', async () => {
  const { s, w } = await run({ marketMaking: { bidLevels: 4, askLevels: 4, bidSpread: { minPct: 1, maxPct: 8 }, askSpread: { minPct: 1, maxPct: 8 } }, risk: { maxPriceDeviationPct: 3 } });
  const fair = s.world.simulators[0]!.fairPrice;
  for (const { request } of w.sent) assert.ok(Math.abs(request.priceTicks! / 10_000 / fair - 1) < 0.032, `order at ${request.priceTicks}`);
  assert.ok(w.denials.includes('price_deviation'));
});

test('minimum quote balance: buys never eat into the reserve', async () => {
  const { s, w } = await run({ marketMaking: { bidLevels: 4, askLevels: 1, bidBudgetQuote: '5000' }, risk: { minQuoteBalance: '9800' } });
  const buys = s.world.exchange.openOrders('acct', 'TSTUSDT').filter((o) => o.side === 'buy');
  const reserved = buys.reduce((sum, o) => sum + inst(s).notional(o.priceTicks, o.qtyLots), 0n);
  assert.ok(reserved <= fx.parse('200'), `buys reserve ${fx.format(reserved)}`);
  assert.ok(w.denials.includes('min_quote_balance'));
});

test('insufficient balance is caught before the venue: two bots over-committing one account', async () => {
  const s = paperSetup();
  const w = watch(s);
  const rejections: string[] = [];
  s.manager.events.on('order', (e) => e.order.status === 'rejected' && rejections.push(e.order.reason ?? ''));
  await s.startBot('a', s.config({ marketMaking: { bidLevels: 3, askLevels: 0, bidBudgetQuote: '8000' } }));
  await s.startBot('b', s.config({ marketMaking: { bidLevels: 3, askLevels: 0, bidBudgetQuote: '8000', bidSpread: { minPct: 1, maxPct: 2 } } }));
  await s.advance(3 * 60_000);
  assert.ok(w.denials.includes('insufficient_balance'));
  assert.ok(!rejections.some((r) => r.includes('INSUFFICIENT_BALANCE')), `the venue rejected: ${rejections.join('; ')}`);
});

test('order rate: at most the configured number of new orders per minute', async () => {
  const { w } = await run({ marketMaking: { bidLevels: 3, askLevels: 3, ...TIGHT, refresh: { intervalMs: 500, tolerancePct: 0 } }, risk: { maxOrdersPerMinute: 6 } }, { minutes: 5 });
  for (const { at } of w.sent) {
    const inWindow = w.sent.filter((x) => x.at > at - 60_000 && x.at <= at).length;
    assert.ok(inWindow <= 6, `${inWindow} orders within a minute`);
  }
  assert.ok(w.denials.includes('order_rate'));
});

// a replayed path that falls 15 % within ten minutes
const CRASH: PaperMarketSpec = {
  ...SPOT_MARKET,
  path: { kind: 'replay', points: Array.from({ length: 61 }, (_, i) => ({ time: Date.UTC(2026, 0, 5, 8, 0, 0) + i * 10_000, price: i < 30 ? 1 : 1 - 0.15 * Math.min(1, (i - 30) / 30) })) },
};

test('daily loss limit: halts, pulls every order and sends nothing more', async () => {
  const { s, w } = await run({ marketMaking: { bidLevels: 2, askLevels: 2 }, risk: { dailyLossLimitQuote: '500' } }, { markets: [CRASH, PERP_MARKET], minutes: 20 });
  const trip = w.trips.find((t) => t.rule === 'daily_loss');
  assert.ok(trip, 'daily loss tripped');
  assert.equal(trip.action, 'halt');
  assert.equal(s.manager.get('b').tradingState, 'HALTED');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0);
  assert.ok(w.sent.every(({ at }) => at <= trip.at), 'no order after the halt');
});

test('drawdown from peak: halts', async () => {
  const { w } = await run({ marketMaking: { bidLevels: 2, askLevels: 2 }, risk: { maxDrawdownQuote: '400' } }, { markets: [CRASH, PERP_MARKET], minutes: 20 });
  assert.equal(w.trips.find((t) => t.rule === 'drawdown')?.action, 'halt');
});

test('API error breaker: pauses (orders pulled), then resumes by itself', async () => {
  const s = paperSetup();
  const w = watch(s);
  const venue = s.world.venue('acct', 'spot');
  await s.startBot('b', s.config({ marketMaking: { bidLevels: 2, askLevels: 2, ...TIGHT, refresh: { intervalMs: 1_000, tolerancePct: 0 } }, risk: { apiErrorBreaker: { count: 3, windowMs: 60_000 }, rejectBreaker: { count: 100, windowMs: 60_000 }, autoResumeMs: 120_000 } }));
  for (let i = 0; i < 6; i++) {
    venue.faults.rateLimitNextRequest();
    await s.advance(2_000);
  }
  const trip = w.trips.find((t) => t.rule === 'api_errors');
  assert.equal(trip?.action, 'pause');
  await s.advance(10_000);
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0, 'paused: no orders');
  await s.advance(3 * 60_000);
  assert.ok(w.clears.includes('api_errors'), 'resumed by itself');
  assert.ok(s.world.exchange.openOrders('acct', 'TSTUSDT').length > 0);
});

test('reject breaker: pauses after repeated rejections', async () => {
  const s = paperSetup();
  const w = watch(s);
  const venue = s.world.venue('acct', 'spot');
  await s.startBot('b', s.config({ marketMaking: { bidLevels: 2, askLevels: 2, ...TIGHT, refresh: { intervalMs: 1_000, tolerancePct: 0 } }, risk: { rejectBreaker: { count: 3, windowMs: 60_000 }, apiErrorBreaker: { count: 100, windowMs: 60_000 } } }));
  venue.faults.rejectNextOrders(6);
  await s.advance(15_000);
  assert.equal(w.trips.find((t) => t.rule === 'rejects')?.action, 'pause');
  await s.advance(5_000);
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0, 'paused: orders pulled');
});

test('stale market data: cancels all, stops quoting, and quotes again when data is fresh', async () => {
  const s = paperSetup({ worldOptions: { reconnectDelayMs: 60_000 } });
  const w = watch(s);
  await s.startBot('b', s.config({ marketMaking: { bidLevels: 2, askLevels: 2 }, risk: { staleDataMs: 5_000 } }));
  await s.world.venue('acct', 'spot').faults.dropMarketStream();
  await s.advance(20_000);
  const trip = w.trips.find((t) => t.rule === 'stale_data');
  assert.equal(trip?.action, 'cancel_all');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0);
  const during = w.sent.filter(({ at }) => at > trip.at + 1_000 && at < trip.at + 40_000);
  assert.equal(during.length, 0, 'nothing sent while stale');
  await s.advance(60_000);
  assert.ok(w.clears.includes('stale_data'));
  assert.ok(s.world.exchange.openOrders('acct', 'TSTUSDT').length > 0);
});

test('reference deviation: an external price far from the venue pauses quoting', async () => {
  const REF: PaperMarketSpec = { ...SPOT_MARKET, instrument: { ...SPOT_MARKET.instrument, symbol: 'REFUSDT' }, path: { kind: 'random-walk', startPrice: 1.08, dailyVolatility: 0.001 } };
  const { s, w } = await run(
    { marketMaking: { referencePrice: { source: 'external', external: { accountId: 'ref', symbol: 'REFUSDT', maxDeviationPct: 20 } } }, risk: { maxReferenceDeviationPct: 3 } },
    { markets: [SPOT_MARKET, PERP_MARKET, REF], minutes: 3 },
  );
  assert.equal(w.trips.find((t) => t.rule === 'reference_deviation')?.action, 'pause');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0);
});

test('perps: a position over the limit puts the bot in REDUCING: only reducing orders go out', async () => {
  const s = paperSetup();
  const w = watch(s, 'acct', 'perp');
  // sell-only quoting builds a short; then the operator lowers the position limit
  const config = s.config({ symbol: 'TSTPERP', marketMaking: { bidLevels: 0, askLevels: 3, ...TIGHT, askBudgetBase: '3000' } });
  await s.startBot('b', config);
  for (let i = 0; i < 60 && (s.world.exchange.positions('acct', 'TSTPERP')[0]?.qtyLots ?? 0) > -150; i++) await s.advance(60_000);
  const bot = s.manager.get('b');
  assert.ok((s.world.exchange.positions('acct', 'TSTPERP')[0]?.qtyLots ?? 0) <= -150, 'a short position built up');
  const changedAt = s.clock.now();
  bot.updateConfig({ ...config, marketMaking: { ...config.marketMaking, bidLevels: 3, bidBudgetQuote: '3000' }, risk: { ...config.risk, maxPositionNotionalQuote: '50' } });
  await s.advance(10_000);
  const trip = w.trips.find((t) => t.rule === 'position_limit');
  assert.equal(trip?.action, 'reduce');
  assert.equal(bot.tradingState, 'REDUCING');
  // from the moment the limit dropped, the pre-trade check and then REDUCING let only buys out
  const after = w.sent.filter(({ at }) => at >= changedAt);
  assert.ok(after.length > 0, 'reducing orders are still sent');
  assert.ok(after.every(({ request }) => request.side === 'buy'), 'only buys reduce a short');
  const short = -(s.world.exchange.positions('acct', 'TSTPERP')[0]?.qtyLots ?? 0);
  const resting = s.world.exchange.openOrders('acct', 'TSTPERP').reduce((n, o) => n + o.qtyLots - o.filledLots, 0);
  assert.ok(resting <= short, `resting buys (${resting}) never exceed the short (${short})`);
  assert.ok(s.world.exchange.openOrders('acct', 'TSTPERP').every((o) => o.side === 'buy'), 'increasing orders were pulled');
});

test('perps: margin ratio, liquidation distance and ADL thresholds reduce', async () => {
  // a short always has a liquidation price; with 100 USDT behind it, it is well within 100 % of the mark
  const { w } = await run(
    { symbol: 'TSTPERP', perp: { leverage: 10 }, marketMaking: { bidLevels: 0, askLevels: 3, ...TIGHT, askBudgetBase: '3000' }, risk: { minMarginRatioPct: 0.01, minLiquidationDistancePct: 99.9, maxAdlQuantile: 0 } },
    { minutes: 30, funding: { USDT: '100' } },
  );
  for (const rule of ['margin_ratio', 'liquidation_distance', 'adl_quantile'] as const) {
    assert.equal(w.trips.find((t) => t.rule === rule)?.action, 'reduce', `${rule} tripped with reduce`);
  }
});

test('perps: a venue margin call (or liquidation) reduces', async () => {
  const CRASH_PERP: PaperMarketSpec = { ...CRASH, instrument: PERP_MARKET.instrument };
  const { w } = await run(
    { symbol: 'TSTPERP', perp: { leverage: 20 }, marketMaking: { bidLevels: 3, askLevels: 0, bidSpread: { minPct: 0.05, maxPct: 0.1 }, bidBudgetQuote: '1500' } },
    { markets: [SPOT_MARKET, CRASH_PERP], minutes: 20, funding: { USDT: '100' } },
  );
  assert.equal(w.trips.find((t) => t.rule === 'margin_call')?.action, 'reduce');
});

test('an action can be overridden: stale data set to halt', async () => {
  const s = paperSetup({ worldOptions: { reconnectDelayMs: 60_000 } });
  const w = watch(s);
  await s.startBot('b', s.config({ risk: { staleDataMs: 5_000, actions: { stale_data: 'halt' } } }));
  await s.world.venue('acct', 'spot').faults.dropMarketStream();
  await s.advance(90_000);
  assert.equal(w.trips.find((t) => t.rule === 'stale_data')?.action, 'halt');
  assert.equal(s.manager.get('b').tradingState, 'HALTED', 'stays halted after data returns');
});
