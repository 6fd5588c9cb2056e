// The loss limits on a perpetual: a long position whose mark falls loses the bot money, and the
// daily loss limit and the drawdown limit (both on the bot's own ledger net) trip and take their
// configured action. The bot's equity follows its fills and the mark (on perps it once stayed at
// the start-up margin snapshot, so no loss could ever be seen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { BotConfigInput, OrderRequest, RiskAction, RiskRule } from '@mm/core';
import type { PaperMarketSpec } from '@mm/exchange-sim';
import { PERP_MARKET, SPOT_MARKET, T0, paperSetup } from '../test-support/paper.ts';
import type { PaperSetup } from '../test-support/paper.ts';

// the perp's fair price: flat for five minutes (the bids fill, a long builds up), then 12 % down
// over five minutes, then flat
const FALLING_PERP: PaperMarketSpec = {
  ...PERP_MARKET,
  path: { kind: 'replay', points: Array.from({ length: 91 }, (_, i) => ({ time: T0 + i * 10_000, price: i < 30 ? 1 : 1 - 0.12 * Math.min(1, (i - 30) / 30) })) },
};

interface Trip {
  readonly rule: RiskRule;
  readonly action: RiskAction | undefined;
  readonly at: number;
}

interface Run {
  readonly s: PaperSetup;
  readonly trips: Trip[];
  readonly sent: { readonly at: number; readonly request: OrderRequest }[];
  /** stats().equity and the ledger net once the bot quotes, before any fill. */
  readonly equityStart: bigint;
  readonly netStart: bigint;
}

/** A perp bot that only bids (so it ends up long), on a falling market, with `risk` set. */
async function run(risk: BotConfigInput['risk'], minutes = 8): Promise<Run> {
  const s = paperSetup({ markets: [SPOT_MARKET, FALLING_PERP] });
  const trips: Trip[] = [];
  const sent: Run['sent'] = [];
  const venue = s.world.venue('acct', 'perp');
  const place = venue.placeOrders.bind(venue);
  venue.placeOrders = (requests) => {
    for (const request of requests) sent.push({ at: s.clock.now(), request });
    return place(requests);
  };
  s.manager.events.on('risk', (e) => e.type === 'trip' && trips.push({ rule: e.rule, action: e.action, at: e.at }));
  const config = s.config({
    symbol: 'TSTPERP',
    perp: { leverage: 5 },
    marketMaking: { bidLevels: 3, askLevels: 0, bidSpread: { minPct: 0.05, maxPct: 0.3 }, bidBudgetQuote: '1500' },
    risk,
  });
  await s.startBot('b', config, 300);
  const bot = s.manager.get('b');
  const equity = bot.stats().equity;
  assert.ok(equity !== undefined, 'the bot values its account once it quotes');
  assert.equal(bot.stats().ledger.allTime.trades, 0, 'no fill yet: this is the start value');
  const netStart = fx.parse(bot.stats().ledger.net);
  await s.advance(minutes * 60_000);
  return { s, trips, sent, equityStart: fx.parse(equity), netStart };
}

/** The bot's equity moved with its fills and the mark, exactly as its own ledger net did. */
function assertEquityFollowsTheLedger(r: Run): void {
  const stats = r.s.manager.get('b').stats();
  assert.ok(stats.ledger.allTime.trades > 0, 'the bot traded');
  assert.ok(fx.parse(stats.base) > 0n, 'a long position from the bids');
  const equity = fx.parse(stats.equity!);
  assert.notEqual(equity, r.equityStart, `equity stayed at its start value ${fx.format(r.equityStart)}`);
  // one bot alone on its account: the account's equity change is the bot's result (equity is shown to the cent)
  const change = equity - r.equityStart;
  const net = fx.parse(stats.ledger.net) - r.netStart;
  assert.ok(fx.abs(change - net) <= fx.parse('0.01'), `equity changed by ${fx.format(change)}, the ledger net by ${fx.format(net)}`);
  assert.ok(change < 0n, 'the long lost money as the mark fell');
}

function assertHalted(r: Run, trip: Trip): void {
  assert.equal(trip.action, 'halt');
  assert.equal(r.s.manager.get('b').tradingState, 'HALTED');
  assert.equal(r.s.world.exchange.openOrders('acct', 'TSTPERP').length, 0, 'every quote pulled');
  assert.ok(r.sent.length > 0 && r.sent.every(({ at }) => at <= trip.at), 'no order sent after the halt');
}

test('perps: the daily loss limit trips on the bot\'s own loss and halts', async () => {
  const r = await run({ dailyLossLimitQuote: '25' });
  assertEquityFollowsTheLedger(r);
  const trip = r.trips.find((t) => t.rule === 'daily_loss');
  assert.ok(trip, `daily loss tripped (trips: ${JSON.stringify(r.trips)})`);
  assert.ok(!r.trips.some((t) => t.rule === 'drawdown'), 'the drawdown limit is off');
  assertHalted(r, trip);
});

test('perps: the drawdown limit trips on the bot\'s own loss from its peak and halts', async () => {
  const r = await run({ maxDrawdownQuote: '25' });
  assertEquityFollowsTheLedger(r);
  const trip = r.trips.find((t) => t.rule === 'drawdown');
  assert.ok(trip, `drawdown tripped (trips: ${JSON.stringify(r.trips)})`);
  assert.ok(!r.trips.some((t) => t.rule === 'daily_loss'), 'the daily loss limit is off');
  assertHalted(r, trip);
});

test('perps: a loss limit takes its configured action: drawdown set to pause pulls the quotes without halting', async () => {
  const r = await run({ maxDrawdownQuote: '25', actions: { drawdown: 'pause' }, autoResumeMs: 0 });
  const trip = r.trips.find((t) => t.rule === 'drawdown');
  assert.ok(trip, `drawdown tripped (trips: ${JSON.stringify(r.trips)})`);
  assert.equal(trip.action, 'pause');
  const bot = r.s.manager.get('b');
  assert.notEqual(bot.tradingState, 'HALTED');
  assert.equal(bot.quotingBlocked, true);
  assert.equal(r.s.world.exchange.openOrders('acct', 'TSTPERP').length, 0, 'every quote pulled');
  assert.ok(r.sent.every(({ at }) => at <= trip.at), 'no order sent while paused');
});
