// Order-safety behaviour of the engine on the simulated exchange: exactly-once fills, ambiguous
// outcomes resolved without duplicates, reconnect and restart reconciliation, the kill switch,
// and no self-trades between bots sharing an account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { Fill } from '@mm/core';
import type { SimVenue } from '@mm/exchange-sim';
import { paperSetup } from '../test-support/paper.ts';
import type { PaperSetup } from '../test-support/paper.ts';

function venueOf(s: PaperSetup, account = 'acct'): SimVenue {
  return s.world.venue(account, 'spot');
}

/** Every fill of an account as the exchange recorded it. */
function exchangeFills(s: PaperSetup, account = 'acct'): Fill[] {
  return s.world.exchange.fills(account, { symbol: 'TSTUSDT' });
}

function sumNotional(s: PaperSetup, fills: readonly Fill[]): bigint {
  const inst = s.world.exchange.instrument('TSTUSDT');
  return fills.reduce((sum, f) => sum + inst.notional(f.priceTicks, f.qtyLots), 0n);
}

test('duplicated fill deliveries are counted once: bot volume equals the exchange record', async () => {
  const s = paperSetup();
  venueOf(s).faults.duplicateFills(true);
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.05, maxPct: 0.5 }, askSpread: { minPct: 0.05, maxPct: 0.5 } } }));
  const seen: string[] = [];
  s.manager.events.on('fill', (e) => seen.push(e.fill.tradeId));
  await s.advance(20 * 60_000);
  const fills = exchangeFills(s);
  assert.ok(fills.length > 5, `expected fills, got ${fills.length}`);
  assert.equal(new Set(seen).size, seen.length, 'the bot reported each trade once');
  assert.equal(fx.parse(s.manager.get('b1').stats().volume.total), fx.roundToDecimals(sumNotional(s, fills), 2, 'half-up'));
});

test('an ambiguous submit is resolved by asking the venue: one venue order per client id, no resubmit', async () => {
  const s = paperSetup();
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 2, askLevels: 2 } }));
  const bot = s.manager.get('b1');
  // the next submit reaches the matching engine but its answer is lost
  venueOf(s).faults.loseNextSubmitResponse();
  const cancelling = bot.cancelAll();
  await s.advance(500);
  await cancelling;
  await s.advance(30_000);
  const open = s.world.exchange.openOrders('acct', 'TSTUSDT');
  const ids = open.map((o) => o.clientOrderId);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(open.length, 4, 'the grid is whole again, with nothing doubled');
  assert.equal(bot.liveOrders().filter((o) => o.status === 'unknown').length, 0, 'no order left in doubt');
  for (const o of open) assert.ok(bot.orders.get(o.clientOrderId) !== undefined, 'every venue order is tracked');
});

test('fills made while the private stream was down are imported once after the reconnect', async () => {
  const s = paperSetup();
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.05, maxPct: 0.4 }, askSpread: { minPct: 0.05, maxPct: 0.4 } } }));
  for (let i = 0; i < 5; i++) {
    await venueOf(s).faults.dropPrivateStream();
    await s.advance(2 * 60_000);
  }
  await s.advance(60_000);
  const fills = exchangeFills(s);
  assert.ok(fills.length > 3);
  assert.equal(fx.parse(s.manager.get('b1').stats().volume.total), fx.roundToDecimals(sumNotional(s, fills), 2, 'half-up'));
  assert.equal(s.journal.fills.size, fills.length, 'each fill stored exactly once');
});

test('after a crash, a new engine on the same journal adopts live orders and double-counts nothing', async () => {
  const first = paperSetup();
  const config = first.config({ marketMaking: { bidLevels: 3, askLevels: 3, bidSpread: { minPct: 0.05, maxPct: 0.4 }, askSpread: { minPct: 0.05, maxPct: 0.4 } } });
  await first.startBot('b1', config);
  await first.advance(10 * 60_000);
  const volumeBefore = first.manager.get('b1').stats().volume.total;
  const openBefore = first.world.exchange.openOrders('acct', 'TSTUSDT').map((o) => o.clientOrderId).sort();
  // "kill -9": the old process stops handling the bot; the venue keeps its orders
  first.manager.get('b1').detach();
  const second = paperSetup({ clock: first.clock, world: first.world, journal: first.journal });
  await second.startBot('b1', config);
  const bot = second.manager.get('b1');
  assert.equal(bot.state, 'RUNNING');
  const adopted = openBefore.filter((id) => bot.orders.get(id) !== undefined);
  assert.ok(adopted.length > 0, 'orders from before the crash are tracked again');
  // fills made while no engine ran were imported; nothing was counted twice
  const fills = exchangeFills(first);
  assert.ok(fx.parse(bot.stats().volume.total) >= fx.parse(volumeBefore));
  assert.equal(fx.parse(bot.stats().volume.total), fx.roundToDecimals(sumNotional(first, fills), 2, 'half-up'));
  assert.equal(first.journal.fills.size, fills.length, 'each fill stored exactly once');
  const ids = first.world.exchange.openOrders('acct', 'TSTUSDT').map((o) => o.clientOrderId);
  assert.equal(new Set(ids).size, ids.length);
});

test('the kill switch halts and pulls every order; the halt survives a restart until reset', async () => {
  const s = paperSetup();
  const config = s.config({ marketMaking: { bidLevels: 2, askLevels: 2 } });
  await s.startBot('b1', config);
  const bot = s.manager.get('b1');
  const killing = bot.kill('test');
  await s.advance(1_000);
  await killing;
  assert.equal(bot.tradingState, 'HALTED');
  await s.advance(30_000);
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0, 'nothing placed while halted');
  // restart on the same journal: still halted
  const stopping = bot.stop();
  await s.advance(2_000);
  await stopping;
  const again = paperSetup({ clock: s.clock, world: s.world, journal: s.journal });
  await again.startBot('b1', config);
  const restarted = again.manager.get('b1');
  assert.equal(restarted.tradingState, 'HALTED');
  await again.advance(20_000);
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0);
  const resetting = restarted.resetHalt();
  await again.advance(1_000);
  await resetting;
  await again.advance(6_000);
  assert.equal(restarted.tradingState, 'ACTIVE');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 4);
});

test('two bots on one account and symbol never trade with each other, even a volume taker behind schedule', async () => {
  const s = paperSetup();
  const skipped: string[] = [];
  const denials: string[] = [];
  s.manager.events.on('risk', (e) => e.type === 'denial' && denials.push(e.rule));
  s.manager.events.on('log', (e) => e.message.includes('own order in the way') && skipped.push(e.message));
  // one bot quotes tight; the other chases a volume target it cannot reach by quoting alone
  await s.startBot('maker', s.config({ name: 'maker', marketMaking: { bidLevels: 4, askLevels: 4, bidSpread: { minPct: 0.02, maxPct: 0.3 }, askSpread: { minPct: 0.02, maxPct: 0.3 } } }));
  await s.startBot(
    'volume',
    s.config({
      name: 'volume',
      marketMaking: { enabled: false },
      volume: { enabled: true, dailyTargetQuote: '200000', minTradeQuote: '20', maxTradeQuote: '60', mode: 'MIXED', makerTimeoutMs: 5_000, maxSlippagePct: 1 },
    }),
  );
  await s.advance(60 * 60_000);
  assert.equal(s.world.exchange.counters.selfTrades, 0, 'no self-trade');
  assert.equal(s.world.exchange.counters.stpPrevented, 0, 'our own checks stopped every cross before the venue had to');
  const volumeStats = s.manager.get('volume').stats();
  assert.ok(fx.parse(volumeStats.volume.taker) > 0n, 'the volume leg did take liquidity from others');
  assert.ok(skipped.length + denials.filter((d) => d === 'self_cross').length > 0, 'our own quotes were in the way and were respected');
});

test('database unreachable: bots halt new orders and pull quotes (cancels go out), then recover by themselves', async () => {
  const s = paperSetup();
  const events: string[] = [];
  s.manager.events.on('risk', (e) => e.rule === 'storage_unavailable' && events.push(e.type));
  await s.startBot('b1', s.config({ marketMaking: { bidLevels: 2, askLevels: 2 } }));
  const bot = s.manager.get('b1');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 4);
  s.journal.failing = true;
  s.manager.setStorageAvailable(false);
  await s.advance(20_000);
  assert.equal(bot.tradingState, 'HALTED');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 0, 'quotes pulled: cancels still go out');
  s.journal.failing = false;
  s.manager.setStorageAvailable(true);
  await s.advance(10_000);
  assert.equal(bot.tradingState, 'ACTIVE');
  assert.equal(s.world.exchange.openOrders('acct', 'TSTUSDT').length, 4, 'quoting again without an operator');
  assert.deepEqual(events, ['trip', 'clear']);
});
