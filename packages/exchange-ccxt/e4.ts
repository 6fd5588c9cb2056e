import { AsterMockServer, ASTER_SPOT, ASTER_PERP } from '@mm/exchange-asterdex/test-support';
const ccxt: any = await import('ccxt');
const mock = await AsterMockServer.start({ instruments: [ASTER_PERP, ASTER_SPOT], accounts: [], otherAccounts: ['them'], streams: { publishIntervalMs: 20, markIntervalMs: 200 } });
mock.deposit('them', 'USDC', '100000'); mock.deposit('them', 'CONF', '10000');
const rest = mock.restUrl;
for (const mode of [process.argv[2] === 'str' ? String : Number]) {
const ex = new ccxt.pro.aster({ number: mode, rateLimit: 5, options: { builderFee: false, defaultType: 'spot' }, urls: { api: { fapiPublic: rest + '/fapi', fapiPrivate: rest + '/fapi', sapiPublic: rest + '/api', sapiPrivate: rest + '/api', ws: { public: { spot: mock.wsUrl + '/stream', swap: mock.wsUrl + '/stream' }, private: { spot: mock.wsUrl + '/ws', swap: mock.wsUrl + '/ws' } } } } });
ex.verbose = process.argv[3] === 'v';
await ex.loadHttpProxyAgent(); await ex.loadMarkets();
mock.exchange.submit('them', { clientOrderId: 't0', symbol: 'CONFUSDC', side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 9990, qtyLots: 100 });
let n = 0;
const loop = (async () => { for (;;) { try { const b = await ex.watchOrderBook('CONF/USDC'); if (n++ < 5) console.log('BOOK', JSON.stringify(b.bids.slice(0,2)), JSON.stringify(b.asks.slice(0,2)), b.nonce, typeof b.bids[0]?.[0]); } catch (e: any) { console.log('book err', e.constructor.name, e.message); if (String(e.message).includes('closedByUser')) return; await new Promise(r => setTimeout(r, 100)); } } })();
await new Promise(r => setTimeout(r, 300));
mock.exchange.submit('them', { clientOrderId: 't1', symbol: 'CONFUSDC', side: 'sell', type: 'limit', timeInForce: 'GTC', priceTicks: 10010, qtyLots: 100 });
await new Promise(r => setTimeout(r, 500));
console.log('n', n, mode.name);
await ex.close();
}
await mock.close();
process.exit(0);
