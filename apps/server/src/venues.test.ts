// Live-venue bots end to end, through the API, against the protocol-faithful venue mocks (on
// 127.0.0.1 only): an account with credentials and mock base URLs, a live bot with market making
// and a volume target, a simulated market of other participants inside the mock. The bot must
// quote, fill, track PnL and hourly volume exactly as the venue recorded, never trade with
// itself, and leave no order behind when stopped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveClock, Rng, fx } from '@mm/core';
import type { AccountDto, BotDetailDto, Fill, Page, FillDto, VolumeDayDto } from '@mm/core';
import { MarketSimulator, SimExchange } from '@mm/exchange-sim';
import { ASTER_PERP, ASTER_SPOT, AsterMockServer, MOCK_ACCOUNT, MOCK_V3_KEY } from '@mm/exchange-asterdex/test-support';
import { MockBitmartServer, TEST_CREDENTIALS, TEST_INSTRUMENT } from '@mm/exchange-bitmart/test-support';
import { TEST_WALLET_KEY, asterApiUrls, testWalletAddress } from '@mm/exchange-ccxt/test-support';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer({ DEMO_BOT: 'false' });
});
after(async () => {
  await s.close();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function notional(fills: readonly Fill[], inst: { notional(t: number, l: number): bigint }): bigint {
  return fills.reduce((sum, f) => sum + inst.notional(f.priceTicks, f.qtyLots), 0n);
}

async function runLiveBot(options: {
  account: Record<string, unknown>;
  bot: Record<string, unknown>;
  exchange: SimExchange;
  venueAccount: string;
  symbol: string;
  /** The venue's own symbol when the bot names it differently (ccxt's unified BASE/QUOTE). */
  venueSymbol?: string;
}): Promise<void> {
  const venueSymbol = options.venueSymbol ?? options.symbol;
  const account = await authed('POST', '/api/accounts', options.account);
  assert.equal(account.status, 201, account.text);
  const accountId = (account.body as AccountDto).id;
  const test = (await authed('POST', `/api/accounts/${accountId}/test`)).body as { ok: boolean; message: string };
  assert.ok(test.ok, `connection test: ${test.message}`);
  const created = await authed('POST', '/api/bots', { ...options.bot, accountId, symbol: options.symbol, mode: 'live' });
  assert.equal(created.status, 201, created.text);
  const id = (created.body as BotDetailDto).id;
  assert.equal((await authed('POST', `/api/bots/${id}/actions/start`)).status, 200);

  await waitFor('the bot to quote', async () => {
    const bot = (await authed('GET', `/api/bots/${id}`)).body as BotDetailDto;
    return bot.state === 'RUNNING' && (bot.stats?.openOrders ?? 0) >= 2 ? bot : undefined;
  });
  await waitFor('fills from other participants', async () => {
    const fills = (await authed('GET', `/api/bots/${id}/fills`)).body as Page<FillDto>;
    return fills.total >= 3 ? fills : undefined;
  });
  // give the journal a moment, then compare with what the venue recorded
  await new Promise((r) => setTimeout(r, 1_500));
  const stopped = await authed('POST', `/api/bots/${id}/actions/stop`);
  assert.equal(stopped.status, 200, stopped.text);
  const venueFills = options.exchange.fills(options.venueAccount, { symbol: venueSymbol });
  const inst = options.exchange.instrument(venueSymbol);
  const detail = (await authed('GET', `/api/bots/${id}`)).body as BotDetailDto;
  assert.equal(fx.parse(detail.stats!.volume.total), fx.roundToDecimals(notional(venueFills, inst), 2, 'half-up'), 'volume equals the venue record');
  const stored = (await authed('GET', `/api/bots/${id}/fills?limit=500`)).body as Page<FillDto>;
  assert.equal(stored.total, venueFills.length, 'every venue fill stored once');
  const day = (await authed('GET', `/api/bots/${id}/volume`)).body as VolumeDayDto;
  const hourly = day.hours.reduce((sum, h) => sum + fx.parse(h.maker) + fx.parse(h.taker), 0n);
  assert.equal(fx.roundToDecimals(hourly, 2, 'half-up'), fx.roundToDecimals(notional(venueFills, inst), 2, 'half-up'), 'hourly buckets add up');
  assert.ok(detail.stats!.pnl.net !== undefined && detail.stats!.equity !== undefined, 'PnL and equity are tracked');
  assert.equal(options.exchange.counters.selfTrades, 0, 'no self-trade');
  assert.equal(options.exchange.openOrders(options.venueAccount, venueSymbol).length, 0, 'stop left no order at the venue');
}

/** Other participants: a random walk with takers and background liquidity inside the mock's exchange. */
function startMarket(exchange: SimExchange, clock: LiveClock, seed: number, symbol: string, startPrice: number): MarketSimulator {
  const market = new MarketSimulator(exchange, clock, new Rng(seed), {
    symbol,
    path: { kind: 'random-walk', startPrice, dailyVolatility: 0.03, stepMs: 500 },
    takers: { perSecond: 4, medianNotional: 150 },
    liquidity: { innerBps: 8, churnPerSecond: 4 },
  });
  market.start();
  return market;
}

const MM = {
  bidLevels: 3,
  askLevels: 3,
  bidSpread: { minPct: 0.05, maxPct: 0.5 },
  askSpread: { minPct: 0.05, maxPct: 0.5 },
  refresh: { intervalMs: 2_000, tolerancePct: 0.05 },
};

test('Asterdex perp (V3 keys): a live bot on the mock quotes, fills and tracks PnL and volume exactly', async () => {
  const clock = new LiveClock();
  const mock = await AsterMockServer.start({ instruments: [ASTER_PERP], accounts: [MOCK_ACCOUNT], streams: { publishIntervalMs: 100, markIntervalMs: 500 } });
  const market = startMarket(mock.exchange, clock, 3, ASTER_PERP.symbol, 100);
  try {
    await runLiveBot({
      account: { name: 'aster mock', venue: 'asterdex', market: 'perp', live: true, credentials: { user: MOCK_ACCOUNT.user, signer: MOCK_ACCOUNT.signer, signerPrivateKey: MOCK_V3_KEY }, baseUrls: mock.urls },
      bot: { name: 'aster live bot', marketMaking: { ...MM, bidBudgetQuote: '3000', askBudgetBase: '30' }, volume: { enabled: true, dailyTargetQuote: '200000', minTradeQuote: '10', maxTradeQuote: '40', mode: 'MIXED', makerTimeoutMs: 3_000 }, perp: { leverage: 3 } },
      exchange: mock.exchange,
      venueAccount: MOCK_ACCOUNT.name,
      symbol: ASTER_PERP.symbol,
    });
  } finally {
    market.stop();
    await mock.close();
  }
});

test('BitMart spot: a live bot on the mock runs market making and volume with zero self-trades', async () => {
  const clock = new LiveClock();
  const exchange = new SimExchange({ clock, instruments: [TEST_INSTRUMENT], fundingIntervalMs: 0 });
  const mock = await MockBitmartServer.start({ instruments: [TEST_INSTRUMENT], keys: [{ ...TEST_CREDENTIALS, account: 'mm' }], exchange, clock, depthIntervalMs: 100 });
  exchange.deposit('mm', 'USDT', fx.parse('100000'));
  exchange.deposit('mm', 'BTC', fx.parse('2'));
  const market = startMarket(exchange, clock, 4, TEST_INSTRUMENT.symbol, 65_000);
  try {
    await runLiveBot({
      account: { name: 'bitmart mock', venue: 'bitmart', market: 'spot', live: true, credentials: { ...TEST_CREDENTIALS }, baseUrls: mock.urls },
      bot: { name: 'bitmart live bot', marketMaking: { ...MM, bidBudgetQuote: '3000', askBudgetBase: '0.05' }, volume: { enabled: true, dailyTargetQuote: '200000', minTradeQuote: '10', maxTradeQuote: '40', mode: 'MIXED', makerTimeoutMs: 3_000 } },
      exchange,
      venueAccount: 'mm',
      symbol: TEST_INSTRUMENT.symbol,
    });
  } finally {
    market.stop();
    await mock.close();
  }
});


/** ccxt's `urls.api` overrides as an account's flat base URLs (nested keys joined with dots). */
function flatUrls(api: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(api)) {
    if (typeof value === 'string') out[prefix + key] = value;
    else Object.assign(out, flatUrls(value as Record<string, unknown>, `${prefix}${key}.`));
  }
  return out;
}

test('ccxt spot (aster class on the Aster spot mock): a live bot runs market making and volume with zero self-trades', async () => {
  const clock = new LiveClock();
  const wallet = await testWalletAddress();
  const mock = await AsterMockServer.start({
    instruments: [ASTER_SPOT],
    accounts: [{ name: 'me', apiKey: 'unused-hmac-key', apiSecret: 'unused-hmac-secret', user: wallet, signer: wallet, deposits: { USDC: '100000', CONF: '1000' } }],
    streams: { publishIntervalMs: 100, markIntervalMs: 500 },
  });
  const market = startMarket(mock.exchange, clock, 5, ASTER_SPOT.symbol, 100);
  try {
    await runLiveBot({
      account: { name: 'ccxt aster mock', venue: 'ccxt', market: 'spot', live: true, credentials: { exchange: 'aster', privateKey: TEST_WALLET_KEY }, baseUrls: flatUrls(asterApiUrls(mock.restUrl, mock.wsUrl)) },
      bot: { name: 'ccxt live bot', marketMaking: { ...MM, bidBudgetQuote: '3000', askBudgetBase: '30' }, volume: { enabled: true, dailyTargetQuote: '200000', minTradeQuote: '10', maxTradeQuote: '40', mode: 'MIXED', makerTimeoutMs: 3_000 } },
      exchange: mock.exchange,
      venueAccount: 'me',
      symbol: 'CONF/USDC',
      venueSymbol: ASTER_SPOT.symbol,
    });
  } finally {
    market.stop();
    await mock.close();
  }
});
