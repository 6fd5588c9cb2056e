// No third-party fee, broker or referral parameter ever leaves: unit checks of the guard, the
// forced options on real ccxt instances, and every request a full trading session sent to the
// mock (recorded by the front).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveClock, Rng } from '@mm/core';
import { ASTER_SPOT } from '@mm/exchange-asterdex/test-support';
import { FeeGuard } from './fee-guard.ts';
import { loadCcxt } from './ccxt-loader.ts';
import { createExchange } from './exchange-config.ts';
import { ExchangeHooks } from './exchange-hooks.ts';
import { profileFor } from './profiles.ts';
import { CcxtSpotAdapter } from './adapter.ts';
import { startCcxtMock, TEST_SYMBOL } from '../test-support/harness.ts';

const FORBIDDEN = /(^|[?&])(builder|builderFee|feeRate|maxFeeRate|broker|brokerId|referral|referrer|refCode|affiliate|partner|channelId)=/i;

function guard(submitting?: Set<string>): FeeGuard {
  return new FeeGuard({ venue: 'test', submittingClientIds: () => submitting });
}

test('the guard refuses fee, broker and referral parameters in the query, a form body and a JSON body', () => {
  const g = guard();
  const base = { method: 'POST', headers: {} };
  assert.throws(() => g.check({ ...base, url: 'https://x.test/fapi/v3/order?symbol=A&builder=0x1F58&feeRate=0.001', body: undefined }), /builder/);
  assert.throws(() => g.check({ ...base, url: 'https://x.test/api/v3/order', body: 'symbol=A&feeRate=0.001' }), /feeRate/);
  assert.throws(() => g.check({ ...base, url: 'https://x.test/api/v2/order', body: JSON.stringify({ orders: [{ channel_id: 'ccxt' }] }) }), /channel_id/);
  assert.throws(() => g.check({ ...base, url: 'https://x.test/fapi/v3/approveBuilder', body: '' }), /builder\/broker\/referral endpoint/);
  assert.doesNotThrow(() => g.check({ ...base, url: 'https://x.test/api/v3/order?symbol=A&side=BUY&price=1', body: '' }));
  assert.equal(g.refused, 4);
});

test('during a submit only our own client ids may be sent (a broker-prefixed id ccxt made up is refused)', () => {
  const g = guard(new Set(['cf1']));
  assert.doesNotThrow(() => g.check({ url: 'https://x.test/api/v3/order', method: 'POST', headers: {}, body: 'newClientOrderId=cf1' }));
  assert.throws(() => g.check({ url: 'https://x.test/api/v3/order', method: 'POST', headers: {}, body: 'newClientOrderId=x-TKT5PX2Fabcdef' }), /not one the engine registered/);
  // outside a submit, client ids name existing orders (cancel, query)
  assert.doesNotThrow(() => guard().check({ url: 'https://x.test/api/v3/order?origClientOrderId=zz&clientOrderId=zz', method: 'DELETE', headers: {}, body: '' }));
});

test('attribution headers are stripped', () => {
  const headers = guard().stripHeaders({ 'X-Gate-Channel-Id': 'ccxt', source: 'CCXT', Referer: 'CCXT', 'KC-API-PARTNER': 'ccxt', 'X-CHANNEL-API-CODE': 'p4sve', 'X-MBX-APIKEY': 'k', 'Content-Type': 'a' });
  assert.deepEqual(Object.keys(headers).sort(), ['Content-Type', 'X-MBX-APIKEY']);
});

test('forced options switch off ccxt defaults that add fees or broker ids, whatever the account configures', async () => {
  const ccxt = await loadCcxt();
  const settings = (exchangeId: string) => ({ exchangeId, credentials: { apiKey: 'k', secret: 's', password: 'p' }, ccxtOptions: { builderFee: true, broker: { spot: 'x-EVIL' } } });
  const aster = createExchange(ccxt, settings('aster'), profileFor('aster'));
  assert.equal(aster.options['builderFee'], false, 'aster: no builder fee even when asked for');
  assert.equal(aster.options['approvedBuilderFee'], false);
  const binance = createExchange(ccxt, settings('binance'), profileFor('binance'));
  assert.deepEqual(binance.options['broker'], {}, 'binance: no broker prefix for client ids');
  const kucoin = createExchange(ccxt, settings('kucoin'), profileFor('kucoin'));
  assert.deepEqual(kucoin.options['partner'], {}, 'kucoin: no partner signature');
  const gate = createExchange(ccxt, settings('gate'), profileFor('gate'));
  assert.equal(gate.headers['X-Gate-Channel-Id'], 'ccxt', 'ccxt itself sets the channel header');
  new ExchangeHooks(new LiveClock()).install(gate, guard(), { onSocketOpen: () => {}, onSocketClose: () => {}, onStreamOrder: () => {}, onStreamTrade: () => {} });
  assert.equal(gate.headers['X-Gate-Channel-Id'], undefined, 'the hook removed it');
  for (const ex of [aster, binance, kucoin, gate]) await ex.close();
});

test('a full session against the mock sends no fee, broker or referral field, and only our client ids', async () => {
  const setup = await startCcxtMock();
  try {
    // the account asks for ccxt's builder fee; the forced options win
    const venue = setup.adapter('fees', { ccxtOptions: { builderFee: true } });
    await venue.connect();
    await venue.subscribeMarket(TEST_SYMBOL);
    const ids = ['feeA1', 'feeA2', 'feeA3'];
    const results = await venue.placeOrders([
      { clientOrderId: ids[0]!, symbol: TEST_SYMBOL, side: 'buy', type: 'limit', timeInForce: 'POST_ONLY', priceTicks: 9_990, qtyLots: 10 },
      { clientOrderId: ids[1]!, symbol: TEST_SYMBOL, side: 'sell', type: 'limit', timeInForce: 'GTC', priceTicks: 10_010, qtyLots: 10 },
      { clientOrderId: ids[2]!, symbol: TEST_SYMBOL, side: 'buy', type: 'limit', timeInForce: 'IOC', priceTicks: 9_000, qtyLots: 10 },
    ]);
    assert.ok(results.every((r) => r.ok));
    await venue.queryOrder({ symbol: TEST_SYMBOL, clientOrderId: ids[0]! });
    await venue.cancelOrders([{ symbol: TEST_SYMBOL, clientOrderId: ids[0]! }]);
    await venue.fills({ symbol: TEST_SYMBOL, since: 0 });
    await venue.balances();
    await venue.feeRates(TEST_SYMBOL);
    await venue.cancelAll(TEST_SYMBOL);
    const sent = setup.front.requests;
    assert.ok(sent.length >= 10, `recorded ${sent.length} requests`);
    for (const r of sent) {
      assert.doesNotMatch(r.path, /builder|broker|referral|affiliate|agent/i, `${r.method} ${r.path}`);
      assert.doesNotMatch(r.query, FORBIDDEN, `${r.method} ${r.path}?${r.query}`);
      assert.doesNotMatch(r.body, FORBIDDEN, `${r.method} ${r.path} body ${r.body}`);
      for (const name of Object.keys(r.headers)) assert.doesNotMatch(name, /broker|partner|referr|channel|^source$/i, `header ${name} on ${r.path}`);
    }
    const orders = sent.filter((r) => r.method === 'POST' && r.path === '/api/v3/order');
    assert.equal(orders.length, 3);
    const clientIds = orders.map((r) => new URLSearchParams(r.body).get('newClientOrderId'));
    assert.deepEqual(clientIds, ids, 'each order carries exactly our client id, no prefix');
    assert.equal(new URLSearchParams(orders[0]!.body).get('timeInForce'), 'GTX', 'post-only as the venue spells it');
    assert.ok(orders.every((r) => !new URLSearchParams(r.body).has('postOnly')));
  } finally {
    await setup.close();
  }
});

test('an unknown exchange id and missing credentials are clear configuration errors', async () => {
  const clock = new LiveClock();
  assert.throws(() => new CcxtSpotAdapter({ exchangeId: 'Not An Id', credentials: {}, clock, rng: new Rng('x') }), /exchange id/);
  const noSuch = new CcxtSpotAdapter({ exchangeId: 'nosuchvenue', credentials: {}, clock, rng: new Rng('x') });
  await assert.rejects(noSuch.connect(), (e: { code?: string; message: string }) => e.code === 'INVALID_CONFIG' && /no exchange "nosuchvenue"/.test(e.message));
  const noKeys = new CcxtSpotAdapter({ exchangeId: 'mexc', credentials: { apiKey: 'k' }, clock, rng: new Rng('x') });
  await assert.rejects(noKeys.connect(), (e: { code?: string; message: string }) => e.code === 'INVALID_CONFIG' && /secret/.test(e.message));
  // faster than ccxt's pace is for local mocks only
  const fast = new CcxtSpotAdapter({ exchangeId: 'mexc', credentials: { apiKey: 'k', secret: 's' }, rateLimitMs: 1, clock, rng: new Rng('x') });
  await assert.rejects(fast.connect(), (e: { code?: string; message: string }) => e.code === 'INVALID_CONFIG' && /slower/.test(e.message));
  void ASTER_SPOT;
});
