// Conformance harness for the simulated exchange in paper mode (LiveClock, small real latencies).
import { LiveClock, Rng, fx } from '@mm/core';
import type { InstrumentDef } from '@mm/core';
import type { MarketKind } from '@mm/exchange';
import type { ConformanceHarness, HarnessFactory } from '@mm/exchange/test-support';
import { simCounterparty } from './counterparty.ts';
import { SimExchange } from '../src/exchange.ts';
import { SimVenue } from '../src/venue.ts';

export const CONFORMANCE_SPOT: InstrumentDef = {
  symbol: 'CONFUSDT', base: 'CONF', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '5',
};
export const CONFORMANCE_PERP: InstrumentDef = {
  symbol: 'CONFPERP', base: 'CONF', quote: 'USDT', kind: 'perp', tickSize: '0.01', lotSize: '0.1', minQty: '0.1', minNotional: '5',
};

export function simConformanceHarness(market: MarketKind): HarnessFactory {
  return async (): Promise<ConformanceHarness> => {
    const clock = new LiveClock();
    const exchange = new SimExchange({ clock, instruments: [CONFORMANCE_SPOT, CONFORMANCE_PERP], fundingIntervalMs: 0 });
    for (const name of ['me', 'them']) {
      exchange.createAccount(name, { stpMode: 'expire_taker' });
      exchange.deposit(name, 'USDT', fx.parse('100000'));
      exchange.deposit(name, 'CONF', fx.parse('10000'));
    }
    const symbol = market === 'spot' ? CONFORMANCE_SPOT.symbol : CONFORMANCE_PERP.symbol;
    const latency = { orderEntryMs: 2, orderJitterMs: 1, responseMs: 2, marketDataMs: 3, privateMs: 2 };
    const make = (seed: string) =>
      new SimVenue({ exchange, account: 'me', clock, rng: new Rng(seed), market, latency, bookIntervalMs: 20, reconnectDelayMs: 150 });
    const venue = make('a');
    const sameAccount = make('b');
    await venue.connect();
    await sameAccount.connect();
    await venue.subscribeMarket(symbol);
    return {
      venue,
      sameAccount,
      symbol,
      instrument: exchange.instrument(symbol),
      midTicks: 10_000, // 100.00
      unitLots: 10, // 1 CONF ≈ 100 USDT
      counterparty: simCounterparty(exchange, 'them', symbol),
      faults: venue.faults,
      settle: (ms = 20) => clock.sleep(ms),
      now: () => clock.now(),
      close: async () => {
        await venue.close();
        await sameAccount.close();
      },
    };
  };
}
