// The shared venue conformance suite. Every adapter runs it against its venue (the simulated
// exchange) or its protocol-faithful mock (Asterdex, BitMart), so the engine can rely on the
// same behaviour everywhere. Each case gets a fresh harness.
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { fx } from '@mm/core';
import type { BookSnapshot, Fill, OrderRequest, PublicTrade, Side, TimeInForce, VenueOrder } from '@mm/core';
import type { ConnectionEvent, PlaceResult, VenueAdapter, VenueEvents } from '../src/port.ts';
import type { ConformanceHarness, HarnessFactory } from './harness.ts';

let idCounter = 0;
/** Alphanumeric, ≤ 32 characters, unique per process. */
export function conformanceClientId(): string {
  idCounter++;
  return `cf${process.pid.toString(36)}${Date.now().toString(36)}${idCounter.toString(36)}`;
}

/** Records a venue's events of one topic. */
export function record<K extends keyof VenueEvents>(venue: VenueAdapter, topic: K): VenueEvents[K][] {
  const seen: VenueEvents[K][] = [];
  venue.events.on(topic, (payload) => seen.push(payload));
  return seen;
}

/** Waits (by letting the venue work) until `condition` holds; fails with `what` otherwise. */
export async function eventually(h: ConformanceHarness, condition: () => boolean, what: string, attempts = 120): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return;
    await h.settle(25);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

function limit(h: ConformanceHarness, side: Side, priceTicks: number, qtyLots = h.unitLots, tif: TimeInForce = 'GTC', extra: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId: conformanceClientId(), symbol: h.symbol, side, type: 'limit', timeInForce: tif, priceTicks, qtyLots, ...extra };
}

async function placeOne(venue: VenueAdapter, request: OrderRequest): Promise<PlaceResult> {
  const [result] = await venue.placeOrders([request]);
  assert.ok(result, 'placeOrders returned no result');
  return result;
}

async function placeOk(venue: VenueAdapter, request: OrderRequest): Promise<VenueOrder> {
  const result = await placeOne(venue, request);
  assert.ok(result.ok, result.ok ? '' : `expected the order to be accepted, got ${result.error.code}: ${result.error.message}`);
  return result.order;
}

function rejectedWith(result: PlaceResult, codes: readonly string[]): void {
  assert.equal(result.ok, false, 'expected a rejection');
  if (result.ok) return;
  assert.equal(result.outcome, 'rejected', `expected a proven rejection, got outcome ${result.outcome}`);
  assert.ok(codes.includes(result.error.code), `expected ${codes.join(' or ')}, got ${result.error.code}: ${result.error.message}`);
  assert.ok(result.error.message.length > 10, 'the error message should tell a person what went wrong');
}

function fillsOf(fills: readonly Fill[], clientOrderId: string): Fill[] {
  return fills.filter((f) => f.clientOrderId === clientOrderId);
}

function sumLots(fills: readonly Fill[]): number {
  return fills.reduce((s, f) => s + f.qtyLots, 0);
}

function uniqueByTradeId(fills: readonly Fill[]): Fill[] {
  return [...new Map(fills.map((f) => [f.tradeId, f])).values()];
}

type Case = (h: ConformanceHarness, t: TestContext) => Promise<void>;

export function describeVenueConformance(name: string, factory: HarnessFactory): void {
  const it = (title: string, body: Case): void => {
    test(title, async (t) => {
      const h = await factory();
      try {
        await body(h, t);
      } finally {
        await h.close();
      }
    });
  };

  describe(`venue conformance: ${name}`, () => {
    // ------------------------------------------------------------ reference data and account
    it('lists the test instrument with a usable tick and lot grid', async (h) => {
      const list = await h.venue.instruments();
      const inst = list.find((i) => i.symbol === h.symbol);
      assert.ok(inst, `${h.symbol} should be listed`);
      assert.ok(inst.tick > 0n && inst.lot > 0n);
      assert.equal(h.venue.instrument(h.symbol).symbol, h.symbol);
      assert.throws(() => h.venue.instrument('NO_SUCH_SYMBOL_X'), (e: { code?: string }) => e.code === 'UNKNOWN_SYMBOL');
    });

    it('reports server time close to its own clock', async (h) => {
      const t = await h.venue.serverTime();
      assert.ok(Math.abs(t - h.now()) < 5_000, `server time ${t} vs ${h.now()}`);
    });

    it('balances are consistent (total = free + locked) and funded', async (h) => {
      const balances = await h.venue.balances();
      assert.ok(balances.length > 0);
      for (const b of balances) {
        if (h.venue.capabilities.market === 'spot') assert.equal(b.total, b.free + b.locked, `${b.asset}: total ≠ free + locked`);
        assert.ok(b.free >= 0n && b.locked >= 0n);
      }
      const quote = balances.find((b) => b.asset === (h.instrument.kind === 'spot' ? h.instrument.quote : h.instrument.marginAsset));
      assert.ok(quote && quote.free > 0n, 'the quote or margin asset should be funded');
    });

    // ------------------------------------------------------------ resting orders
    it('a resting limit order is acknowledged, listed as open and queryable by client id', async (h) => {
      const request = limit(h, 'buy', h.midTicks - 10);
      const order = await placeOk(h.venue, request);
      assert.equal(order.clientOrderId, request.clientOrderId);
      assert.ok(order.venueOrderId.length > 0);
      assert.equal(order.status, 'open');
      assert.equal(order.priceTicks, request.priceTicks);
      assert.equal(order.qtyLots, request.qtyLots);
      const open = await h.venue.openOrders(h.symbol);
      assert.ok(open.some((o) => o.clientOrderId === request.clientOrderId));
      const queried = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: request.clientOrderId });
      assert.equal(queried?.status, 'open');
      assert.equal(queried?.venueOrderId, order.venueOrderId);
    });

    it('the order stream reports a new order as open', async (h) => {
      const updates = record(h.venue, 'order');
      const request = limit(h, 'sell', h.midTicks + 10);
      await placeOk(h.venue, request);
      await eventually(h, () => updates.some((o) => o.clientOrderId === request.clientOrderId && o.status === 'open'), 'an open update on the order stream');
    });

    it('queryOrder for an id never placed returns null', async (h) => {
      assert.equal(await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: conformanceClientId() }), null);
    });

    it('openOrders lists only live orders', async (h) => {
      const a = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 5));
      const b = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 6));
      const [c] = await h.venue.cancelOrders([{ symbol: h.symbol, clientOrderId: b.clientOrderId }]);
      assert.ok(c?.ok);
      await h.settle();
      const open = await h.venue.openOrders(h.symbol);
      assert.deepEqual(
        open.map((o) => o.clientOrderId),
        [a.clientOrderId],
      );
      assert.ok(open.every((o) => o.status === 'open' || o.status === 'partially_filled'));
    });

    // ------------------------------------------------------------ post-only
    it('a post-only order that would cross is refused and never fills', async (h) => {
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks, qtyLots: h.unitLots });
      await h.settle();
      const fills = record(h.venue, 'fill');
      const updates = record(h.venue, 'order');
      const request = limit(h, 'buy', h.midTicks, h.unitLots, 'POST_ONLY');
      const result = await placeOne(h.venue, request);
      if (result.ok) {
        // some venues accept first and cancel right after (BitMart); the end state must say so
        await eventually(
          h,
          () => updates.some((o) => o.clientOrderId === request.clientOrderId && (o.status === 'canceled' || o.status === 'expired' || o.status === 'rejected')),
          'the crossing post-only order to end without trading',
        );
      } else {
        rejectedWith(result, ['POST_ONLY_WOULD_CROSS']);
      }
      await h.settle();
      assert.equal(fillsOf(fills, request.clientOrderId).length, 0, 'a post-only order must never take');
      const open = await h.venue.openOrders(h.symbol);
      assert.ok(!open.some((o) => o.clientOrderId === request.clientOrderId));
    });

    it('a post-only order that does not cross rests', async (h) => {
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks + 2, qtyLots: h.unitLots });
      await h.settle();
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks + 1, h.unitLots, 'POST_ONLY'));
      assert.equal(order.status, 'open');
    });

    // ------------------------------------------------------------ fills
    it('a maker order fills partially, then fully; fills sum to the order with unique trade ids', async (h) => {
      const fills = record(h.venue, 'fill');
      const updates = record(h.venue, 'order');
      const qty = h.unitLots * 3;
      const request = limit(h, 'buy', h.midTicks - 1, qty);
      await placeOk(h.venue, request);
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await eventually(h, () => sumLots(uniqueByTradeId(fillsOf(fills, request.clientOrderId))) === h.unitLots, 'the first partial fill');
      const partial = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: request.clientOrderId });
      assert.equal(partial?.status, 'partially_filled');
      assert.equal(partial?.filledLots, h.unitLots);
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: qty - h.unitLots, timeInForce: 'IOC' });
      await eventually(h, () => sumLots(uniqueByTradeId(fillsOf(fills, request.clientOrderId))) === qty, 'the order to fill completely');
      const mine = uniqueByTradeId(fillsOf(fills, request.clientOrderId));
      assert.ok(mine.every((f) => f.liquidity === 'maker' && f.side === 'buy' && f.priceTicks === h.midTicks - 1));
      assert.ok(mine.every((f) => f.feeAsset.length > 0 && f.venueTime > 0 && f.receivedAt > 0));
      await eventually(h, () => updates.some((o) => o.clientOrderId === request.clientOrderId && o.status === 'filled'), 'a filled update');
      const done = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: request.clientOrderId });
      assert.equal(done?.status, 'filled');
      assert.equal(done?.filledLots, qty);
    });

    it('a taker IOC trades with the counterparty and the rest expires', async (h) => {
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks + 1, qtyLots: h.unitLots });
      await h.settle();
      const fills = record(h.venue, 'fill');
      const request = limit(h, 'buy', h.midTicks + 1, h.unitLots * 2, 'IOC');
      const order = await placeOk(h.venue, request);
      await eventually(h, () => sumLots(uniqueByTradeId(fillsOf(fills, request.clientOrderId))) === h.unitLots, 'the taker fill');
      assert.ok(fillsOf(fills, request.clientOrderId).every((f) => f.liquidity === 'taker'));
      const final = (await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: request.clientOrderId })) ?? order;
      assert.ok(final.status === 'expired' || final.status === 'canceled', `IOC remainder should expire, got ${final.status}`);
      assert.equal(final.filledLots, h.unitLots);
    });

    it('a FOK order that cannot fill completely does nothing', async (h, t) => {
      if (!h.venue.capabilities.fok) return t.skip('venue has no FOK');
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks + 1, qtyLots: h.unitLots });
      await h.settle();
      const fills = record(h.venue, 'fill');
      const request = limit(h, 'buy', h.midTicks + 1, h.unitLots * 2, 'FOK');
      await placeOne(h.venue, request);
      await h.settle(100);
      assert.equal(fillsOf(fills, request.clientOrderId).length, 0);
    });

    it('balances move with a fill', async (h) => {
      const before = await h.venue.balances();
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks, qtyLots: h.unitLots });
      await h.settle();
      const fills = record(h.venue, 'fill');
      const request = limit(h, 'buy', h.midTicks, h.unitLots, 'IOC');
      await placeOk(h.venue, request);
      await eventually(h, () => fillsOf(fills, request.clientOrderId).length > 0, 'the fill');
      await h.settle();
      const after = await h.venue.balances();
      const asset = h.instrument.kind === 'spot' ? h.instrument.quote : h.instrument.marginAsset;
      const q0 = before.find((b) => b.asset === asset)!.total;
      const q1 = after.find((b) => b.asset === asset)!.total;
      if (h.instrument.kind === 'spot') {
        const base0 = before.find((b) => b.asset === h.instrument.base)?.total ?? 0n;
        const base1 = after.find((b) => b.asset === h.instrument.base)!.total;
        assert.equal(base1 - base0, h.instrument.lotsToFixed(h.unitLots), 'bought base arrives');
        const paid = q0 - q1;
        const notional = h.instrument.notional(h.midTicks, h.unitLots);
        assert.ok(paid >= notional && paid <= notional + notional / 50n, `paid ${fx.format(paid)} for ${fx.format(notional)} notional`);
      } else {
        const positions = await h.venue.positions(h.symbol);
        assert.equal(positions.find((p) => p.symbol === h.symbol)?.qtyLots, h.unitLots, 'a long position opens');
        assert.ok(q1 <= q0, 'fees are paid from the wallet');
      }
    });

    // ------------------------------------------------------------ cancels
    it('cancel removes an open order and the stream reports it canceled', async (h) => {
      const updates = record(h.venue, 'order');
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 3));
      const [result] = await h.venue.cancelOrders([{ symbol: h.symbol, clientOrderId: order.clientOrderId }]);
      assert.ok(result?.ok, result && !result.ok ? result.error.message : '');
      await eventually(h, () => updates.some((o) => o.clientOrderId === order.clientOrderId && o.status === 'canceled'), 'a canceled update');
      const queried = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId });
      assert.equal(queried?.status, 'canceled');
    });

    it('cancel of an unknown order is rejected as ORDER_NOT_FOUND', async (h) => {
      const [result] = await h.venue.cancelOrders([{ symbol: h.symbol, clientOrderId: conformanceClientId() }]);
      assert.equal(result?.ok, false);
      if (result && !result.ok) {
        assert.equal(result.outcome, 'rejected');
        assert.equal(result.error.code, 'ORDER_NOT_FOUND');
      }
    });

    it('cancel of a filled order is rejected and the order stays filled', async (h) => {
      const fills = record(h.venue, 'fill');
      const order = await placeOk(h.venue, limit(h, 'sell', h.midTicks + 1));
      await h.counterparty.place({ side: 'buy', priceTicks: h.midTicks + 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await eventually(h, () => sumLots(uniqueByTradeId(fillsOf(fills, order.clientOrderId))) === h.unitLots, 'the fill');
      const [result] = await h.venue.cancelOrders([{ symbol: h.symbol, clientOrderId: order.clientOrderId }]);
      assert.equal(result?.ok, false);
      if (result && !result.ok) assert.equal(result.outcome, 'rejected');
      assert.equal((await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId }))?.status, 'filled');
    });

    it('a fill that races a cancel request is still reported, exactly once', async (h) => {
      const fills = record(h.venue, 'fill');
      const qty = h.unitLots * 2;
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 1, qty));
      // the counterparty's taker and our cancel are in flight together
      const take = h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      const cancel = h.venue.cancelOrders([{ symbol: h.symbol, clientOrderId: order.clientOrderId }]);
      await Promise.all([take, cancel]);
      await h.settle(200);
      const final = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId });
      assert.ok(final, 'the order must still be known to the venue');
      // whichever arrived first, the rest of the order is cancelled and what traded is reported
      assert.equal(final.status, 'canceled');
      assert.ok(final.filledLots === 0 || final.filledLots === h.unitLots, `filled ${final.filledLots}`);
      await eventually(h, () => sumLots(uniqueByTradeId(fillsOf(fills, order.clientOrderId))) === final.filledLots, 'every fill the venue made to be reported');
      const rest = await h.venue.fills({ symbol: h.symbol, since: 0 });
      assert.equal(sumLots(rest.filter((f) => f.clientOrderId === order.clientOrderId)), final.filledLots);
    });

    it('cancelAll cancels our orders on the symbol and leaves the counterparty alone', async (h) => {
      await placeOk(h.venue, limit(h, 'buy', h.midTicks - 2));
      await placeOk(h.venue, limit(h, 'sell', h.midTicks + 2));
      await h.counterparty.place({ side: 'buy', priceTicks: h.midTicks - 4, qtyLots: h.unitLots });
      await h.settle();
      const books = record(h.venue, 'book');
      await h.venue.cancelAll(h.symbol);
      await h.settle(200);
      assert.equal((await h.venue.openOrders(h.symbol)).length, 0);
      await eventually(h, () => books.length > 0, 'a book update');
      const book = books.at(-1)!;
      assert.ok(book.bids.some((l) => l.priceTicks === h.midTicks - 4), "the counterparty's order is untouched");
      assert.ok(!book.bids.some((l) => l.priceTicks === h.midTicks - 2) && !book.asks.some((l) => l.priceTicks === h.midTicks + 2));
    });

    // ------------------------------------------------------------ batches and bad input
    it('a batch with one bad order places the good ones and refuses the bad one, in order', async (h) => {
      const good1 = limit(h, 'buy', h.midTicks - 20);
      const bad = limit(h, 'buy', h.midTicks - 21, 0);
      const good2 = limit(h, 'sell', h.midTicks + 20);
      const results = await h.venue.placeOrders([good1, bad, good2]);
      assert.equal(results.length, 3);
      assert.ok(results[0]?.ok && results[0].order.clientOrderId === good1.clientOrderId);
      rejectedWith(results[1]!, ['INVALID_ARGUMENT', 'QTY_BELOW_MIN', 'NOTIONAL_BELOW_MIN']);
      assert.ok(results[2]?.ok && results[2].order.clientOrderId === good2.clientOrderId);
      const open = await h.venue.openOrders(h.symbol);
      assert.equal(open.length, 2);
    });

    it('batches larger than the venue limit are split transparently', async (h) => {
      const n = h.venue.capabilities.maxBatchPlace + 2;
      const requests = Array.from({ length: n }, (_, i) => limit(h, 'buy', h.midTicks - 30 - i));
      const results = await h.venue.placeOrders(requests);
      assert.equal(results.length, n);
      assert.ok(results.every((r, i) => r.ok && r.order.clientOrderId === requests[i]!.clientOrderId));
      assert.equal((await h.venue.openOrders(h.symbol)).length, n);
    });

    it('a duplicate client order id is refused while the first order stays open', async (h) => {
      const first = limit(h, 'buy', h.midTicks - 7);
      await placeOk(h.venue, first);
      const dup = await placeOne(h.venue, { ...first, priceTicks: h.midTicks - 8 });
      rejectedWith(dup, ['DUPLICATE_CLIENT_ORDER_ID']);
      assert.equal((await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: first.clientOrderId }))?.status, 'open');
    });

    it('an order beyond the free balance is refused as INSUFFICIENT_BALANCE', async (h) => {
      const balances = await h.venue.balances();
      const asset = h.instrument.kind === 'spot' ? h.instrument.quote : h.instrument.marginAsset;
      const free = balances.find((b) => b.asset === asset)!.free;
      const perLot = h.instrument.notional(h.midTicks - 1, 1);
      const lots = Number(free / perLot) * 200 + 1;
      rejectedWith(await placeOne(h.venue, limit(h, 'buy', h.midTicks - 1, lots)), ['INSUFFICIENT_BALANCE']);
    });

    it('an unknown symbol is refused as UNKNOWN_SYMBOL', async (h) => {
      rejectedWith(await placeOne(h.venue, { ...limit(h, 'buy', h.midTicks - 1), symbol: 'NOSUCHSYMBOL' }), ['UNKNOWN_SYMBOL']);
    });

    it('a quantity below the minimum is refused with a typed error', async (h) => {
      const tiny = Math.max(1, h.instrument.minQtyLots - 1);
      const ticks = h.instrument.minQtyLots > 1 ? h.midTicks : 1;
      rejectedWith(await placeOne(h.venue, limit(h, 'buy', ticks, tiny)), ['QTY_BELOW_MIN', 'NOTIONAL_BELOW_MIN']);
    });

    it('a price off the tick grid is refused as PRICE_OFF_TICK', async (h) => {
      rejectedWith(await placeOne(h.venue, limit(h, 'buy', h.midTicks - 1.5)), ['PRICE_OFF_TICK']);
    });

    // ------------------------------------------------------------ self-trade prevention
    it('self-trade prevention: our taker never trades with our own resting order', async (h, t) => {
      const modes = h.venue.capabilities.stpModes;
      if (modes.length === 0) return t.skip('venue has no self-trade prevention');
      const mode = modes.includes('expire_taker') ? 'expire_taker' : modes[0]!;
      await h.venue.setAccountStp(mode);
      const fillsA = record(h.venue, 'fill');
      const fillsB = record(h.sameAccount, 'fill');
      const resting = await placeOk(h.sameAccount, limit(h, 'sell', h.midTicks + 1));
      const taker = limit(h, 'buy', h.midTicks + 1, h.unitLots, 'IOC', { stpMode: mode });
      await placeOne(h.venue, taker);
      await h.settle(200);
      assert.equal(fillsA.length + fillsB.length, 0, 'no fill between two orders of one account');
      const makerAfter = await h.sameAccount.queryOrder({ symbol: h.symbol, clientOrderId: resting.clientOrderId });
      if (mode === 'expire_taker') assert.equal(makerAfter?.status, 'open', 'expire_taker keeps the resting order');
    });

    it('self-trade prevention expire_maker removes our resting order instead', async (h, t) => {
      if (!h.venue.capabilities.stpModes.includes('expire_maker')) return t.skip('venue has no expire_maker');
      await h.venue.setAccountStp('expire_maker');
      const fills = record(h.venue, 'fill');
      const resting = await placeOk(h.sameAccount, limit(h, 'sell', h.midTicks + 1));
      await placeOne(h.venue, limit(h, 'buy', h.midTicks + 1, h.unitLots, 'IOC', { stpMode: 'expire_maker' }));
      await h.settle(200);
      assert.equal(fills.length, 0);
      const status = (await h.sameAccount.queryOrder({ symbol: h.symbol, clientOrderId: resting.clientOrderId }))?.status;
      assert.ok(status === 'expired' || status === 'canceled', `resting own order should be removed, got ${status}`);
    });

    // ------------------------------------------------------------ history
    it('fills can be fetched afterwards by time and after a trade id', async (h) => {
      const start = h.now() - 1;
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 1, h.unitLots * 2));
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await h.settle(100);
      const all = (await h.venue.fills({ symbol: h.symbol, since: start })).filter((f) => f.clientOrderId === order.clientOrderId);
      assert.equal(all.length, 2);
      assert.notEqual(all[0]!.tradeId, all[1]!.tradeId);
      if (h.venue.capabilities.fillsFromTradeId) {
        const after = (await h.venue.fills({ symbol: h.symbol, afterTradeId: all[0]!.tradeId })).filter((f) => f.clientOrderId === order.clientOrderId);
        assert.deepEqual(
          after.map((f) => f.tradeId),
          [all[1]!.tradeId],
        );
      }
    });

    it('duplicated fill deliveries carry the same trade id, so they can be counted once', async (h) => {
      h.faults.duplicateFills(true);
      const fills = record(h.venue, 'fill');
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 1));
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await eventually(h, () => fillsOf(fills, order.clientOrderId).length >= 2, 'the duplicated delivery');
      const mine = fillsOf(fills, order.clientOrderId);
      assert.equal(new Set(mine.map((f) => f.tradeId)).size, 1, 'both deliveries name one trade');
      assert.equal(sumLots(uniqueByTradeId(mine)), h.unitLots);
      const rest = (await h.venue.fills({ symbol: h.symbol, since: 0 })).filter((f) => f.clientOrderId === order.clientOrderId);
      assert.equal(rest.length, 1, 'the venue history holds the trade once');
    });

    // ------------------------------------------------------------ streams
    it('a dropped private stream reports disconnected then reconnected; gap fills are recoverable over REST', async (h) => {
      const states = record(h.venue, 'connection');
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 1));
      const since = h.now() - 1;
      await h.faults.dropPrivateStream();
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks - 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await eventually(
        h,
        () => states.some((s: ConnectionEvent) => s.stream === 'private' && s.state === 'reconnected'),
        'the private stream to reconnect',
        400,
      );
      const privateStates = states.filter((s) => s.stream === 'private').map((s) => s.state);
      assert.ok(privateStates.indexOf('disconnected') < privateStates.indexOf('reconnected'), `order of states: ${privateStates.join(',')}`);
      const gap = (await h.venue.fills({ symbol: h.symbol, since })).filter((f) => f.clientOrderId === order.clientOrderId);
      assert.equal(sumLots(gap), h.unitLots, 'the fill made during the gap is in the venue history');
    });

    it('a dropped market stream reconnects and the book is published again', async (h) => {
      const states = record(h.venue, 'connection');
      await h.counterparty.place({ side: 'buy', priceTicks: h.midTicks - 3, qtyLots: h.unitLots });
      await h.faults.dropMarketStream();
      const books = record(h.venue, 'book');
      await eventually(h, () => states.some((s) => s.stream === 'market' && s.state === 'reconnected'), 'the market stream to reconnect', 400);
      await eventually(h, () => books.some((b) => b.bids.some((l) => l.priceTicks === h.midTicks - 3)), 'a fresh book after reconnect', 400);
    });

    it('the book stream shows resting orders best first, with increasing sequence', async (h) => {
      const books = record(h.venue, 'book');
      await placeOk(h.venue, limit(h, 'buy', h.midTicks - 2));
      await h.counterparty.place({ side: 'buy', priceTicks: h.midTicks - 1, qtyLots: h.unitLots });
      await h.counterparty.place({ side: 'sell', priceTicks: h.midTicks + 1, qtyLots: h.unitLots });
      await eventually(h, () => (books.at(-1)?.bids.length ?? 0) >= 2 && (books.at(-1)?.asks.length ?? 0) >= 1, 'a book with both levels');
      const book: BookSnapshot = books.at(-1)!;
      assert.equal(book.symbol, h.symbol);
      assert.deepEqual(
        book.bids.slice(0, 2).map((l) => l.priceTicks),
        [h.midTicks - 1, h.midTicks - 2],
      );
      assert.equal(book.asks[0]?.priceTicks, h.midTicks + 1);
      assert.ok(book.bids.every((l) => l.qtyLots > 0));
      for (let i = 1; i < books.length; i++) assert.ok(books[i]!.sequence >= books[i - 1]!.sequence, 'sequence never goes back');
    });

    it('the public trade stream reports trades with the taker side', async (h) => {
      const trades = record(h.venue, 'trade');
      await placeOk(h.venue, limit(h, 'sell', h.midTicks + 1));
      await h.counterparty.place({ side: 'buy', priceTicks: h.midTicks + 1, qtyLots: h.unitLots, timeInForce: 'IOC' });
      await eventually(h, () => trades.length > 0, 'a public trade');
      const trade: PublicTrade = trades[0]!;
      assert.equal(trade.takerSide, 'buy');
      assert.equal(trade.priceTicks, h.midTicks + 1);
      assert.equal(trade.qtyLots, h.unitLots);
    });

    // ------------------------------------------------------------ faults
    it('a rate-limited request is a retryable rejection and places nothing', async (h) => {
      h.faults.rateLimitNextRequest();
      const request = limit(h, 'buy', h.midTicks - 9);
      const result = await placeOne(h.venue, request);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.outcome, 'rejected');
        assert.equal(result.error.code, 'RATE_LIMITED');
        assert.equal(result.error.retryable, true);
      }
      assert.equal(await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: request.clientOrderId }), null);
    });

    it('an ambiguous submit is reported unknown, and the order is then found by client id (no resubmit needed)', async (h) => {
      h.faults.loseNextSubmitResponse();
      const request = limit(h, 'buy', h.midTicks - 11);
      const result = await placeOne(h.venue, request);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.outcome, 'unknown', 'an unanswered submit is never a rejection');
        assert.equal(result.error.code, 'UNKNOWN_OUTCOME');
      }
      await h.settle(100);
      const found = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: request.clientOrderId });
      assert.equal(found?.status, 'open');
      const open = (await h.venue.openOrders(h.symbol)).filter((o) => o.clientOrderId === request.clientOrderId);
      assert.equal(open.length, 1, 'exactly one order at the venue');
    });

    // ------------------------------------------------------------ optional features
    it('amend changes price and quantity and keeps the client id', async (h, t) => {
      if (!h.venue.capabilities.amend) return t.skip('venue cannot amend');
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 5, h.unitLots * 2));
      const result = await h.venue.amendOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId, priceTicks: h.midTicks - 4, qtyLots: h.unitLots * 3 });
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      const queried = await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId });
      assert.equal(queried?.priceTicks, h.midTicks - 4);
      assert.equal(queried?.qtyLots, h.unitLots * 3);
    });

    it('the dead-man switch keeps orders while refreshed and cancels them when refreshes stop', async (h, t) => {
      if (!h.venue.capabilities.deadManSwitch) return t.skip('venue has no dead-man switch');
      const order = await placeOk(h.venue, limit(h, 'buy', h.midTicks - 6));
      await h.venue.setDeadManSwitch(h.symbol, 1_000);
      await h.settle(600);
      await h.venue.setDeadManSwitch(h.symbol, 1_000);
      await h.settle(600);
      assert.equal((await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId }))?.status, 'open', 'refreshed: still open');
      // stop refreshing: within a few hundred ms past the timeout the venue must cancel
      let status: string | undefined = 'open';
      for (let i = 0; i < 60 && status === 'open'; i++) {
        await h.settle(50);
        status = (await h.venue.queryOrder({ symbol: h.symbol, clientOrderId: order.clientOrderId }))?.status;
      }
      assert.equal(status, 'canceled', 'not refreshed: the venue cancelled it');
      await h.venue.setDeadManSwitch(h.symbol, 0);
    });

    it('a reduce-only order that would increase the position is refused (perps)', async (h, t) => {
      if (h.venue.capabilities.market !== 'perp') return t.skip('spot market');
      rejectedWith(await placeOne(h.venue, limit(h, 'sell', h.midTicks + 50, h.unitLots, 'GTC', { reduceOnly: true })), ['REDUCE_ONLY_REJECTED']);
    });
  });
}
