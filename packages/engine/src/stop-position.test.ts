// Stopping a perp bot that holds a position: by default the orders are cancelled and the
// position stays (as before, but now a choice); with `closePosition` the bot closes its own
// position with reduce-only IOC orders inside the slippage bound, never more than the account
// holds and never past flat, and with no liquidity inside the bound it stops anyway and says
// what is left. A spot bot refuses the option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { OrderRequest } from '@mm/core';
import type { PaperMarketSpec } from '@mm/exchange-sim';
import type { BotEvents } from './events.ts';
import type { StopOptions } from './bot.ts';
import { PERP_MARKET, SPOT_MARKET, paperSetup } from '../test-support/paper.ts';
import type { PaperSetup } from '../test-support/paper.ts';

const STOP_DEADLINE_MS = 4_000;

interface Held {
  readonly s: PaperSetup;
  /** Orders sent to the venue after the stop began. */
  readonly sentWhileStopping: OrderRequest[];
  /** The account's position after each of those requests was answered. */
  readonly positionsSeen: number[];
  readonly logs: BotEvents['log'][];
  stopping: boolean;
}

const venuePosition = (s: PaperSetup) => s.world.exchange.positions('acct', 'TSTPERP').find((p) => p.symbol === 'TSTPERP')?.qtyLots ?? 0;

/** A perp bot that only bids, run until it is long; every order it sends from the stop on is recorded. */
async function longPerpBot(market: PaperMarketSpec = PERP_MARKET): Promise<Held> {
  const s = paperSetup({ markets: [SPOT_MARKET, market], timings: { stopDeadlineMs: STOP_DEADLINE_MS } });
  const held: Held = { s, sentWhileStopping: [], positionsSeen: [], logs: [], stopping: false };
  const venue = s.world.venue('acct', 'perp');
  const place = venue.placeOrders.bind(venue);
  venue.placeOrders = async (requests) => {
    if (held.stopping) held.sentWhileStopping.push(...requests);
    const results = await place(requests);
    if (held.stopping) held.positionsSeen.push(venuePosition(s));
    return results;
  };
  s.manager.events.on('log', (e) => held.logs.push(e));
  const config = s.config({
    symbol: 'TSTPERP',
    perp: { leverage: 5 },
    marketMaking: { bidLevels: 3, askLevels: 0, bidSpread: { minPct: 0.05, maxPct: 0.3 }, bidBudgetQuote: '1500' },
  });
  await s.startBot('b', config, 300);
  await s.advance(4 * 60_000);
  const own = fx.parse(s.manager.get('b').stats().ledger.position);
  assert.ok(own > 0n, `the bot bought a long position (own ${fx.format(own)})`);
  assert.ok(venuePosition(s) > 0, 'the account is long at the venue');
  return held;
}

/** Stops the bot while the simulated market runs; resolves with the sim time the stop took. */
async function stop(held: Held, options?: StopOptions): Promise<number> {
  const bot = held.s.manager.get('b');
  held.stopping = true;
  const startedAt = held.s.clock.now();
  let doneAt: number | undefined;
  const stopping = bot.stop('stopped by test', options).then(() => {
    doneAt = held.s.clock.now();
  });
  await held.s.advance(3 * STOP_DEADLINE_MS);
  await stopping;
  assert.equal(bot.state, 'STOPPED');
  assert.equal(held.s.world.exchange.openOrders('acct', 'TSTPERP').length, 0, 'no order left at the venue');
  return doneAt! - startedAt;
}

function closeLog(held: Held): BotEvents['log'] {
  const log = held.logs.find((l) => l.message.startsWith('closing the position'));
  assert.ok(log, `a log event reports the close (logs: ${JSON.stringify(held.logs.slice(-5).map((l) => l.message))})`);
  return log;
}

test('stop without closePosition cancels the orders and leaves the position open', async () => {
  const held = await longPerpBot();
  const before = venuePosition(held.s);
  await stop(held);
  assert.equal(held.sentWhileStopping.length, 0, 'no order sent while stopping');
  assert.equal(venuePosition(held.s), before, 'the position is untouched');
  assert.ok(fx.parse(held.s.manager.get('b').stats().ledger.position) > 0n, 'the ledger still shows the long');
  assert.ok(!held.logs.some((l) => l.message.startsWith('closing the position')), 'no close was attempted');
});

test('stop with closePosition ends flat with reduce-only IOC sells only, never flipping', async () => {
  const held = await longPerpBot();
  const before = venuePosition(held.s);
  const took = await stop(held, { closePosition: { maxSlippagePct: 1 } });
  assert.ok(took <= 2 * STOP_DEADLINE_MS, `the stop took ${took} ms`);
  assert.equal(venuePosition(held.s), 0, 'the account is flat at the venue');
  assert.equal(fx.parse(held.s.manager.get('b').stats().ledger.position), 0n, "the bot's own ledger is flat");
  assert.ok(held.sentWhileStopping.length > 0, 'closing orders were sent');
  for (const r of held.sentWhileStopping) {
    assert.equal(r.reduceOnly, true, `order ${r.clientOrderId} is reduce-only`);
    assert.equal(r.timeInForce, 'IOC', `order ${r.clientOrderId} is IOC`);
    assert.equal(r.side, 'sell', 'a long is closed with sells');
  }
  const sold = held.sentWhileStopping.reduce((sum, r) => sum + r.qtyLots, 0);
  assert.ok(sold <= before, `sent ${sold} lots against a position of ${before}: never more than the account holds`);
  assert.ok(held.positionsSeen.every((p) => p >= 0), `the position never went short: ${held.positionsSeen.join(', ')}`);
  const log = closeLog(held);
  assert.equal(log.level, 'info');
  assert.match(log.message, /the bot is flat/);
  assert.equal(log.details?.['ownLeft'], '0');
  assert.equal(log.details?.['closed'], held.s.world.exchange.instrument('TSTPERP').lotsToQty(before));
});

test('stop with a tiny slippage bound and no liquidity inside it stops within the deadline and logs what is left', async () => {
  // thin background makers: the top level holds far less than the bot's long
  const thin: PaperMarketSpec = { ...PERP_MARKET, liquidity: { medianNotional: 15, sizeSigma: 0.1 } };
  const held = await longPerpBot(thin);
  const before = venuePosition(held.s);
  const inst = held.s.world.exchange.instrument('TSTPERP');
  const took = await stop(held, { closePosition: { maxSlippagePct: 0.01 } });
  assert.ok(took <= STOP_DEADLINE_MS, `the stop took ${took} ms, the deadline is ${STOP_DEADLINE_MS} ms`);
  const after = venuePosition(held.s);
  assert.ok(after > 0 && after < before, `part closed inside the bound, the rest left (${before} → ${after} lots)`);
  for (const r of held.sentWhileStopping) assert.ok(r.reduceOnly === true && r.side === 'sell' && r.timeInForce === 'IOC');
  const log = closeLog(held);
  assert.equal(log.level, 'warn');
  assert.match(log.message, /left open: [\d.]+ TST of the bot's own/);
  assert.match(log.message, /liquidity within 0\.01 % of [\d.]+/);
  assert.equal(log.details?.['accountLeft'], inst.lotsToQty(after));
  assert.equal(fx.parse(String(log.details?.['ownLeft'])), fx.parse(held.s.manager.get('b').stats().ledger.position), "what is left is the bot's own ledger position");
});

test('a spot bot refuses closePosition with a clear error and keeps running', async () => {
  const s = paperSetup();
  await s.startBot('spot', s.config());
  const bot = s.manager.get('spot');
  await assert.rejects(bot.stop('test', { closePosition: { maxSlippagePct: 1 } }), /trades TSTUSDT spot: there is no position to close/);
  assert.equal(bot.state, 'RUNNING', 'a refused option stops nothing');
});

test("a halted perp bot's stop with closePosition closes it with reduce-only orders, and the halt holds", async () => {
  const held = await longPerpBot();
  const bot = held.s.manager.get('b');
  const before = venuePosition(held.s);
  const killing = bot.kill('test');
  await held.s.advance(2_000);
  await killing;
  assert.equal(bot.tradingState, 'HALTED');
  assert.equal(held.s.world.exchange.openOrders('acct', 'TSTPERP').length, 0, 'the kill pulled every order');
  await assert.rejects(bot.stop('test', { closePosition: { maxSlippagePct: 0 } }), /maxSlippagePct must be above 0/);
  const denials: string[] = [];
  held.s.manager.events.on('risk', (e) => {
    if (e.type === 'denial') denials.push(`${e.rule}: ${e.message}`);
  });
  await stop(held, { closePosition: { maxSlippagePct: 1 } });
  assert.equal(venuePosition(held.s), 0, 'the halted bot closed its position');
  assert.equal(fx.parse(bot.stats().ledger.position), 0n);
  assert.ok(held.sentWhileStopping.length > 0);
  for (const r of held.sentWhileStopping) assert.ok(r.reduceOnly === true && r.timeInForce === 'IOC' && r.side === 'sell', `order ${r.clientOrderId} is a reduce-only IOC sell`);
  assert.ok(held.sentWhileStopping.reduce((sum, r) => sum + r.qtyLots, 0) <= before);
  assert.ok(held.positionsSeen.every((p) => p >= 0), 'never flipped short');
  assert.deepEqual(denials, [], 'no closing order was refused');
  assert.equal(bot.tradingState, 'HALTED', 'the halt holds after the close');
  assert.match(closeLog(held).message, /the bot is flat/);
});

/** A long perp bot stopped without closing: STOPPED, the position open at the venue. */
async function stoppedLong(): Promise<Held> {
  const held = await longPerpBot();
  await stop(held);
  held.sentWhileStopping.length = 0;
  held.positionsSeen.length = 0;
  assert.ok(venuePosition(held.s) > 0, 'the position stayed open');
  return held;
}

/** Runs a stopped bot's closePosition while the simulated market runs. */
async function closeStopped(held: Held, pct: number, bot = held.s.manager.get('b')): Promise<Awaited<ReturnType<typeof bot.closePosition>>> {
  const closing = bot.closePosition(pct);
  closing.catch(() => undefined);
  await held.s.advance(3 * STOP_DEADLINE_MS);
  return closing;
}

test('a stopped perp bot closes its position with reduce-only IOC orders and stays STOPPED', async () => {
  const held = await stoppedLong();
  const bot = held.s.manager.get('b');
  const before = venuePosition(held.s);
  const result = await closeStopped(held, 1);
  assert.equal(bot.state, 'STOPPED', 'closing does not start the bot');
  assert.equal(result.ownLeftLots, 0);
  assert.equal(result.closedLots, before);
  assert.equal(venuePosition(held.s), 0, 'flat at the venue');
  assert.equal(fx.parse(bot.stats().ledger.position), 0n, "the bot's own ledger is flat");
  assert.ok(held.sentWhileStopping.length > 0);
  for (const r of held.sentWhileStopping) {
    assert.equal(r.reduceOnly, true, `${r.clientOrderId} is reduce-only`);
    assert.equal(r.timeInForce, 'IOC');
    assert.equal(r.side, 'sell');
    assert.equal(r.stpMode, 'expire_taker', 'self-trade prevention is asked for on every closing order');
    // every order intent is stored before it leaves
    assert.ok(held.s.journal.orders.has(r.clientOrderId), `${r.clientOrderId} was journalled`);
  }
  assert.ok(held.positionsSeen.every((p) => p >= 0), 'never flipped short');
  assert.equal(held.s.world.exchange.openOrders('acct', 'TSTPERP').length, 0, 'nothing left resting');
  // the closing fills are stored exactly once, so the stopped bot's stored figures agree
  assert.equal(held.s.journal.ledger('b', { symbol: 'TSTPERP', spec: bot.figures!.spec }).positionQty, 0n, 'the stored fills add up to flat');
  assert.match(closeLog(held).message, /the bot is flat/);
  // flat now: a second close says there is nothing to close, and sends nothing
  const sent = held.sentWhileStopping.length;
  await assert.rejects(closeStopped(held, 1), /holds no position on TSTPERP: there is nothing to close/);
  assert.equal(held.sentWhileStopping.length, sent);
});

test('a stopped perp bot restored from storage (after a restart) closes its position, halted or not', async () => {
  const held = await stoppedLong();
  const old = held.s.manager.get('b');
  const killing = old.kill('before the restart');
  await held.s.advance(1_000);
  await killing;
  const before = venuePosition(held.s);
  // a new process: the same venue and journal, the bot brought back STOPPED with nothing in memory
  const s2 = paperSetup({ world: held.s.world, clock: held.s.clock, journal: held.s.journal, timings: { stopDeadlineMs: STOP_DEADLINE_MS } });
  const config = held.s.manager.get('b').config;
  const bot = await s2.manager.add('b', config, 'STOPPED');
  assert.equal(bot.market, 'perp', 'known as a perp bot before it ever synced');
  assert.equal(bot.instrument, undefined);
  const result = await closeStopped(held, 1, bot);
  assert.equal(bot.tradingState, 'HALTED', 'the stored halt came back, and still holds');
  assert.equal(result.closedLots, before);
  assert.equal(venuePosition(held.s), 0);
  assert.equal(bot.state, 'STOPPED');
  for (const r of held.sentWhileStopping) assert.ok(r.reduceOnly === true && r.side === 'sell' && r.timeInForce === 'IOC');
  assert.ok(held.positionsSeen.every((p) => p >= 0));
});

/** Drops every book the venue would publish until the returned function is called. */
function blockBooks(s: PaperSetup): () => void {
  const bus = s.world.venue('acct', 'perp').events;
  const emit = bus.emit.bind(bus);
  bus.emit = ((topic, payload) => {
    if (topic !== 'book') emit(topic, payload);
  }) as typeof bus.emit;
  return () => {
    bus.emit = emit;
  };
}

test("a stopped bot's close refuses clearly: no market data, a running bot, a spot bot; and no start while it closes", async () => {
  const held = await stoppedLong();
  // restored after a restart, with no book yet, and the venue sends none: no best bid to bound the price from
  const s2 = paperSetup({ world: held.s.world, clock: held.s.clock, journal: held.s.journal, timings: { stopDeadlineMs: STOP_DEADLINE_MS } });
  const bot = await s2.manager.add('b', held.s.manager.get('b').config, 'STOPPED');
  const unblock = blockBooks(held.s);
  const closing = bot.closePosition(1);
  closing.catch(() => undefined);
  await assert.rejects(bot.start(), /is closing its position; start it once the close has finished/);
  await held.s.advance(3 * STOP_DEADLINE_MS);
  await assert.rejects(closing, /no market data for TSTPERP from sim within 4 s: the close needs a best bid to bound the slippage from; nothing was sent, the position stays open/);
  unblock();
  assert.equal(held.sentWhileStopping.length, 0, 'nothing was sent');
  assert.ok(venuePosition(held.s) > 0);
  assert.equal(bot.closingPosition, false, 'the close is over: the bot may start again');

  const s = paperSetup();
  await s.startBot('spot', s.config());
  const spot = s.manager.get('spot');
  await assert.rejects(spot.closePosition(1), /bot test bot is RUNNING: only a stopped bot's position is closed on its own/);
  const stopping = spot.stop();
  await s.advance(STOP_DEADLINE_MS);
  await stopping;
  await assert.rejects(spot.closePosition(1), /trades TSTUSDT spot: there is no position to close/);
});
