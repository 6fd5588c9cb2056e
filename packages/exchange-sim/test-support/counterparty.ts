// The conformance suite's counterparty for venues whose mock matches on a SimExchange: another
// account that places limit orders straight on the simulated exchange.
import type { ConformanceHarness } from '@mm/exchange/test-support';
import type { SimExchange } from '../src/exchange.ts';

export function simCounterparty(exchange: SimExchange, account: string, symbol: string): ConformanceHarness['counterparty'] {
  let seq = 0;
  return {
    place: async (o) => {
      const result = exchange.submit(account, {
        clientOrderId: `${account}${++seq}`,
        symbol,
        side: o.side,
        type: 'limit',
        timeInForce: o.timeInForce ?? 'GTC',
        priceTicks: o.priceTicks,
        qtyLots: o.qtyLots,
      });
      if (!result.ok) throw result.error;
    },
    cancelAll: async () => {
      exchange.cancelAll(account, symbol);
    },
  };
}
