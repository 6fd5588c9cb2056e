// The Asterdex mock as a child process on loopback, with a resting book on CONFUSDT (perp), for
// browser tests that may not import venue packages (apps/web talks HTTP only). Prints one JSON
// line with its URLs; on SIGTERM prints the REST paths called other than public market data,
// then exits.
import { ASTER_PERP, ASTER_SPOT, AsterMockServer, MOCK_ACCOUNT } from '@mm/exchange-asterdex/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';

const mock = await AsterMockServer.start({ instruments: [ASTER_PERP, ASTER_SPOT], accounts: [MOCK_ACCOUNT], otherAccounts: ['them'], streams: { publishIntervalMs: 50, markIntervalMs: 500 } });
for (const [asset, amount] of Object.entries({ USDT: '100000', CONF: '10000' })) mock.deposit('them', asset, amount);
const them = simCounterparty(mock.exchange, 'them', ASTER_PERP.symbol);
for (let i = 0; i < 8; i++) {
  await them.place({ side: 'buy', priceTicks: 9_990 - 10 * i, qtyLots: 10 + 7 * i });
  await them.place({ side: 'sell', priceTicks: 10_010 + 10 * i, qtyLots: 12 + 5 * i });
}
process.stdout.write(`${JSON.stringify({ rest: mock.restUrl, ws: mock.wsUrl, symbol: ASTER_PERP.symbol })}\n`);

process.once('SIGTERM', () => {
  const privateCalls = mock.requests.map((r) => r.path).filter((p) => /order|account|balance|userTrades|listenKey|position|leverage|marginType|stpMode|countdown/i.test(p));
  process.stdout.write(`${JSON.stringify({ privateCalls })}\n`);
  void mock.close().finally(() => process.exit(0));
});
