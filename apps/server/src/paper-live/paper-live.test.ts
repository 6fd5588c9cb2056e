// Paper trading on a live market, end to end over HTTP: an account created as "paper on
// Asterdex's public market data" pointing at the Asterdex mock, a paper bot on it quoting on
// the simulated exchange, maker fills only from the mock's public trades through the queue
// model, no self-trade, no request to any order endpoint, a dropped stream stopping the bot's
// quotes until the book is back, the feed closed with the last bot, and the account's
// balances, fills and open orders kept across a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AccountDto, BotDetailDto, FillDto, Page } from '@mm/core';
import { MOCK_ACCOUNT } from '@mm/exchange-asterdex/test-support';
import type { AsterMockServer } from '@mm/exchange-asterdex/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';
import { startTestServer } from '../../test-support/app.ts';
import { PAPER_LIVE_ACCOUNT, SYMBOL, liveDataMaker, privateCalls, startBookedMock, until } from '../../test-support/paper-live.ts';
import type { TestServer } from '../../test-support/app.ts';
import { stateKey } from './worlds.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mm-paper-live-'));
let mock: AsterMockServer;
let s: TestServer;

before(async () => {
  mock = await startBookedMock();
  s = await startTestServer({ DEMO_BOT: 'false' }, { dataDir });
});

after(async () => {
  await s?.close();
  await mock?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });

test('the API refuses a live-data paper account that could trade live, carries keys or names the wrong things', async () => {
  const base = { ...PAPER_LIVE_ACCOUNT, baseUrls: mock.urls };
  const cases: [unknown, string, RegExp][] = [
    [{ ...base, name: 'x1', live: true }, 'live', /never trades live/],
    [{ ...base, name: 'x2', credentials: { apiKey: 'k' } }, 'credentials', /needs no keys/],
    [{ ...base, name: 'x3', venue: 'asterdex' }, 'feed', /paper accounts/],
    [{ ...base, name: 'x4', market: 'spot', feed: { venue: 'ccxt', balances: { USDT: '1' } }, baseUrls: undefined }, 'feed.exchange', /ccxt exchange/],
    [{ ...base, name: 'x5', market: 'perp', feed: { venue: 'ccxt', exchange: 'binance', balances: { USDT: '1' } }, baseUrls: undefined }, 'market', /spot/],
    [{ ...base, name: 'x6', feed: { venue: 'asterdex', balances: { USDT: '-5' } } }, 'feed.balances.USDT', /decimal/],
    [{ ...base, name: 'x7', baseUrls: { api: 'http://127.0.0.1:1' } }, 'baseUrls.api', /rest= and ws=/],
  ];
  for (const [body, path, message] of cases) {
    const res = await authed('POST', '/api/accounts', body);
    assert.equal(res.status, 400, `${path}: ${res.text}`);
    const fields = (res.body as { error: { fields?: { path: string; message: string }[] } }).error.fields ?? [];
    const field = fields.find((f) => f.path === path);
    assert.ok(field !== undefined && message.test(field.message), `${path} named with a clear message: ${JSON.stringify(fields)}`);
  }
  assert.equal(((await authed('GET', '/api/accounts')).body as AccountDto[]).filter((a) => a.name.startsWith('x')).length, 0, 'none was created');

  // a second paper account on the simulated market: no feed, both simulated markets
  const sim = await authed('POST', '/api/accounts', { name: 'Second paper', venue: 'sim' });
  assert.equal(sim.status, 201, sim.text);
  assert.deepEqual([(sim.body as AccountDto).venue, (sim.body as AccountDto).feed], ['sim', undefined]);
  const symbols = ((await authed('GET', `/api/accounts/${(sim.body as AccountDto).id}/instruments`)).body as { symbol: string }[]).map((i) => i.symbol);
  assert.deepEqual(symbols.sort(), ['DEMOUSDT', 'DEMOUSDT-PERP']);
  const keyed = await authed('POST', '/api/accounts', { name: 'Keyed paper', venue: 'sim', credentials: { apiKey: 'k' } });
  assert.equal(keyed.status, 400, 'a paper account takes no keys');
});

test('a paper bot on Asterdex live market data: queue-model maker fills, gaps stop its quotes, the feed follows the bot, state survives a restart', { timeout: 180_000 }, async () => {
  const created = await authed('POST', '/api/accounts', { ...PAPER_LIVE_ACCOUNT, baseUrls: mock.urls });
  assert.equal(created.status, 201, created.text);
  const account = created.body as AccountDto;
  assert.deepEqual([account.venue, account.market, account.live, account.feed?.venue], ['sim', 'perp', false, 'asterdex']);

  const test = (await authed('POST', `/api/accounts/${account.id}/test`)).body as { ok: boolean; balances: { asset: string; total: string }[] };
  assert.equal(test.ok, true, JSON.stringify(test));
  assert.deepEqual(test.balances, [{ asset: 'USDT', total: '10000', free: '10000' }], 'the starting balance');
  const instruments = (await authed('GET', `/api/accounts/${account.id}/instruments`)).body as { symbol: string; tickSize: string; lotSize: string }[];
  assert.deepEqual(instruments.map((i) => [i.symbol, i.tickSize, i.lotSize]), [[SYMBOL, '0.01', '0.1']], "the venue's perp list, as its exchangeInfo gives it");

  const live = await authed('POST', '/api/bots', { name: 'must be paper', accountId: account.id, symbol: SYMBOL, mode: 'live' });
  assert.equal(live.status, 400, 'a live bot cannot run on a paper account');

  const bot = await authed('POST', '/api/bots', { ...liveDataMaker('Live-data maker', account.id), risk: { staleDataMs: 1_500 } });
  assert.equal(bot.status, 201, bot.text);
  const botId = (bot.body as BotDetailDto).id;
  assert.equal((await authed('POST', `/api/bots/${botId}/actions/start`)).status, 200);

  const world = () => s.app.paperLive.world(account.id)!;
  const open = () => (s.app.paperLive.world(account.id)?.exchange.openOrders(account.id, SYMBOL) ?? []).filter((o) => o.status === 'open' || o.status === 'partially_filled');
  const ours = await until('the bot to quote both sides', open, (o) => o.length === 2);
  const bid = ours.find((o) => o.side === 'buy')!;
  assert.deepEqual([bid.priceTicks, ours.find((o) => o.side === 'sell')!.priceTicks], [9_990, 10_010]);
  const market = world().market(SYMBOL);
  assert.equal(market.queueAhead(bid.venueOrderId), 10, 'our bid waits behind the 1.0 the venue shows at 99.90');

  const taker = simCounterparty(mock.exchange, 'taker', SYMBOL);
  await taker.place({ side: 'sell', priceTicks: 9_990, qtyLots: 6, timeInForce: 'IOC' });
  await until('the print to arrive', () => market.counters.trades, (n) => n >= 1);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(world().exchange.fills(account.id), [], 'a print smaller than the queue ahead fills nothing');
  assert.equal(market.queueAhead(bid.venueOrderId), 4);

  // 0.4 at 99.90 uses up the queue ahead; 0.6 at 99.80 trades through our bid
  await taker.place({ side: 'sell', priceTicks: 9_980, qtyLots: 10, timeInForce: 'IOC' });
  const fills = await until('the maker fill', async () => ((await authed('GET', `/api/bots/${botId}/fills`)).body as Page<FillDto>).items, (f) => f.length > 0);
  assert.deepEqual(fills.map((f) => [f.side, f.liquidity, f.price, f.qty]), [['buy', 'maker', '99.9', '0.5']]);
  assert.equal(world().exchange.counters.selfTrades, 0, 'no self-trade on the paper exchange');
  assert.equal(mock.exchange.counters.selfTrades, 0);

  // the stream drops and the book stays away for seconds (the venue's snapshot answers late)
  const gaps = market.counters.gaps;
  mock.faults.responseDelay(4_000);
  mock.faults.dropMarketStreams();
  await until('the gap', () => market.counters.gaps, (n) => n > gaps);
  await until('the bot to stop quoting on stale data', open, (o) => o.length === 0, 10_000);
  mock.faults.responseDelay(0);
  assert.equal(market.book.known, false, 'no quotes while the book is unknown');
  const detail = (await authed('GET', `/api/bots/${botId}`)).body as BotDetailDto;
  assert.ok(detail.activeTrips.some((t) => t.rule === 'stale_data'), `the stale-data guard acted: ${JSON.stringify(detail.activeTrips)}`);
  while (!market.book.known) {
    assert.equal(open().length, 0, 'still no quotes while the book is away');
    await new Promise((r) => setTimeout(r, 50));
  }
  await until('quotes again once the book is back', open, (o) => o.length === 2, 15_000);

  // the last bot stops: its feed closes
  assert.notEqual(s.app.paperLive.feed(account.id, SYMBOL), undefined);
  assert.equal((await authed('POST', `/api/bots/${botId}/actions/stop`)).status, 200);
  await until('the feed to close with the last bot', () => s.app.paperLive.feed(account.id, SYMBOL), (f) => f === undefined);
  assert.equal(market.book.known, false);

  // a resting order placed straight on the paper exchange (as a bot's would be after a crash)
  const resting = world().exchange.submit(account.id, { clientOrderId: 'manual-rest', symbol: SYMBOL, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks: 9_900, qtyLots: 3 });
  assert.ok(resting.ok);
  assert.equal((await authed('POST', `/api/bots/${botId}/actions/start`)).status, 200);
  await until('quoting again', open, (o) => o.some((x) => x.clientOrderId !== 'manual-rest'));
  const before = world();
  const totals = (w: typeof before) => w.exchange.balances(account.id).map((b) => [b.asset, b.total]);
  const position = (w: typeof before) => w.exchange.positions(account.id, SYMBOL).map((p) => p.qtyLots);
  const tradeIds = before.exchange.fills(account.id).map((f) => f.tradeId);

  // restart (the bot is left running: it comes back on its own)
  const saved = { totals: totals(before), position: position(before), tradeIds };
  assert.notDeepEqual(saved.totals, [['USDT', 10_000n * 10n ** 18n]], 'the fee of the fill is in the balance');
  await s.close();
  s = await startTestServer({ DEMO_BOT: 'false' }, { dataDir });
  await until('the bot to resume quoting after the restart', open, (o) => o.some((x) => x.clientOrderId !== 'manual-rest'), 30_000);
  assert.notEqual(await s.app.storage.simState.get(stateKey(account.id)), undefined, 'the state was saved under the account');
  const restored = world();
  assert.notEqual(restored, before);
  assert.deepEqual(totals(restored), saved.totals, 'balances as before the restart');
  assert.deepEqual(position(restored), saved.position, 'the position as before');
  assert.deepEqual(restored.exchange.fills(account.id).map((f) => f.tradeId).slice(0, tradeIds.length), saved.tradeIds, "the paper exchange's fill history is kept");
  assert.ok(open().some((o) => o.clientOrderId === 'manual-rest'), 'a resting order is still resting');
  const afterFills = ((await authed('GET', `/api/bots/${botId}/fills`)).body as Page<FillDto>).items;
  assert.deepEqual(afterFills.map((f) => [f.side, f.liquidity, f.price, f.qty]), [['buy', 'maker', '99.9', '0.5']], "the bot's stored fills");

  assert.deepEqual(privateCalls(mock), [], 'no request ever went to an order, account or key endpoint');
  assert.deepEqual(mock.exchange.openOrders(MOCK_ACCOUNT.name), []);
});
