import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instrument, Rng, SimClock, fx, volumeSchema } from '@mm/core';
import type { OrderRequest } from '@mm/core';
import { VolumeLeg } from './volume-leg.ts';
import type { Executor } from './executor.ts';
import type { OrderManager } from './order-manager.ts';

const START = Date.parse('2026-01-05T10:00:00Z');

interface FakeOrder {
  clientOrderId: string;
  side: 'buy' | 'sell';
  qtyLots: number;
  filledLots: number;
  status: string;
  timeInForce: string;
}

/** A volume leg over a fake executor that records what it is asked to send. */
function setup(volume: Record<string, unknown>) {
  const clock = new SimClock(START);
  const instrument = new Instrument({ symbol: 'TSTUSDT', base: 'TST', quote: 'USDT', kind: 'spot', tickSize: '0.0001', lotSize: '1', minQty: '1', minNotional: '5' });
  const config = volumeSchema.parse({ enabled: true, dailyTargetQuote: '1000000', minTradeQuote: '20', maxTradeQuote: '20', mode: 'MAKER_FIRST', makerTimeoutMs: 600_000, ...volume });
  const orders = new Map<string, FakeOrder>();
  const placed: FakeOrder[] = [];
  let traded = 0n;
  const executor = {
    place: async (requests: readonly (Omit<OrderRequest, 'clientOrderId' | 'symbol'> & { tag: string })[]) =>
      requests.map((r) => {
        const order: FakeOrder = { clientOrderId: `o${placed.length + 1}`, side: r.side, qtyLots: r.qtyLots, filledLots: 0, status: 'new', timeInForce: r.timeInForce ?? 'GTC' };
        orders.set(order.clientOrderId, order);
        placed.push(order);
        return order;
      }),
    cancel: async (ids: readonly string[]) => {
      for (const id of ids) orders.get(id)!.status = 'canceled';
    },
  } as unknown as Executor;
  const leg = new VolumeLeg({
    clock,
    rng: new Rng(7),
    instrument,
    executor,
    orders: { get: (id: string) => (orders.has(id) ? { record: orders.get(id)! } : undefined) } as unknown as OrderManager,
    config: () => config,
    targetBasePct: () => 50,
    market: () => ({ reference: fx.parse('0.5'), bestBid: 4999, bestAsk: 5001 }),
    ownBook: () => ({ bestOwnBid: undefined, bestOwnAsk: undefined }),
    inventory: () => ({ base: fx.parse('100000'), quote: fx.parse('100000') }),
    progress: () => ({ tradedToday: traded, volumeLegThisHour: 0n, feesToday: 0n, volumeLegLossToday: 0n }),
    mayTrade: () => true,
    log: () => undefined,
    fail: (error) => {
      throw error;
    },
  });
  const fill = (order: FakeOrder) => {
    order.filledLots = order.qtyLots;
    order.status = 'filled';
    traded += fx.parse('20');
    leg.onFill(order.clientOrderId);
  };
  return { clock, leg, placed, fill };
}

test('an event that comes while the maker order rests is held, not dropped: it runs as soon as the order fills', async () => {
  const s = setup({});
  s.leg.start();
  // a target of 1,000,000 a day asks for an event every second or so: run until the first order
  while (s.placed.length === 0) await s.clock.runUntil(s.clock.now() + 1_000);
  const first = s.placed[0]!;
  // more events come while it rests (the timeout is 10 minutes): none places a second order
  await s.clock.runUntil(s.clock.now() + 30_000);
  assert.equal(s.placed.length, 1, 'one volume order at a time');
  // the fill frees the leg, and the held event trades at once, without waiting for the timeout
  s.fill(first);
  await s.clock.runUntil(s.clock.now());
  assert.equal(s.placed.length, 2, 'the held event placed the next order right after the fill');
  assert.equal(s.placed[1]!.timeInForce, 'POST_ONLY');
  s.leg.stop();
});

test('a partial fill keeps the order resting; an expired maker order lets the held event run', async () => {
  const s = setup({ makerTimeoutMs: 20_000 });
  s.leg.start();
  while (s.placed.length === 0) await s.clock.runUntil(s.clock.now() + 1_000);
  const first = s.placed[0]!;
  first.filledLots = 1; // partly filled: still the active order
  s.leg.onFill(first.clientOrderId);
  await s.clock.runUntil(s.clock.now() + 5_000);
  assert.equal(s.placed.length, 1, 'a partial fill does not free the leg');
  // the timeout cancels it (MAKER_FIRST never takes), then the held event places the next order
  await s.clock.runUntil(s.clock.now() + 15_001);
  assert.equal(first.status, 'canceled');
  assert.equal(s.placed.length, 2, 'the event held during the rest ran once the order expired');
  s.leg.stop();
});
