// What the paper-live tests share: the Asterdex mock with a two-sided book from another account,
// the paper account on its public data, a one-level maker bot at the venue's best prices, and
// the check that nothing reached a private endpoint.
import assert from 'node:assert/strict';
import { ASTER_PERP, ASTER_SPOT, AsterMockServer, MOCK_ACCOUNT } from '@mm/exchange-asterdex/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';

export const SYMBOL = ASTER_PERP.symbol;

/** The mock with 'them' quoting 1.0 at 99.90 / 100.10 and 5.0 one tick further out, and a 'taker' with money. */
export async function startBookedMock(): Promise<AsterMockServer> {
  const mock = await AsterMockServer.start({ instruments: [ASTER_PERP, ASTER_SPOT], accounts: [MOCK_ACCOUNT], otherAccounts: ['them', 'taker'], streams: { publishIntervalMs: 20, markIntervalMs: 200 } });
  for (const name of ['them', 'taker']) for (const [asset, amount] of Object.entries({ USDT: '100000', CONF: '10000' })) mock.deposit(name, asset, amount);
  const them = simCounterparty(mock.exchange, 'them', SYMBOL);
  await them.place({ side: 'buy', priceTicks: 9_990, qtyLots: 10 });
  await them.place({ side: 'buy', priceTicks: 9_980, qtyLots: 50 });
  await them.place({ side: 'sell', priceTicks: 10_010, qtyLots: 10 });
  await them.place({ side: 'sell', priceTicks: 10_020, qtyLots: 50 });
  return mock;
}

export const PAPER_LIVE_ACCOUNT = {
  name: 'Aster paper (live data)',
  venue: 'sim',
  market: 'perp',
  live: false,
  feed: { venue: 'asterdex', balances: { USDT: '10000' } },
};

/** One level a side at 0.1 % around the 100.00 mid: exactly the venue's best bid and ask, behind their queues. */
export function liveDataMaker(name: string, accountId: string): Record<string, unknown> {
  return {
    name,
    accountId,
    symbol: SYMBOL,
    mode: 'paper',
    marketMaking: {
      bidLevels: 1,
      askLevels: 1,
      bidSpread: { minPct: 0.1, maxPct: 0.1 },
      askSpread: { minPct: 0.1, maxPct: 0.1 },
      bidBudgetQuote: '50',
      askBudgetBase: '0.5',
      refresh: { intervalMs: 500, tolerancePct: 0.05 },
    },
  };
}

/** REST paths other than public market data: orders, accounts, keys, settings. */
export const privateCalls = (mock: AsterMockServer): string[] =>
  mock.requests.map((r) => r.path).filter((p) => /order|account|balance|userTrades|listenKey|position|leverage|marginType|stpMode|countdown|commission/i.test(p));

export async function until<T>(what: string, read: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
