// A paper account on live market data traded by an external runner: the server (RUNNERS=external,
// PostgreSQL) keeps the account's replay world and its feed from the Asterdex mock and serves the
// account at /api/venue; a runner on its own storage claims the bot, quotes through the network,
// gets the queue model's maker fill from the mock's public trades, and when the bot stops the
// server closes the feed (the fleet's statuses say no bot needs it). Nothing reaches the mock's
// order or account endpoints.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { LiveClock } from '@mm/core';
import type { AccountDto, BotDetailDto, FillDto, Page } from '@mm/core';
import type { AsterMockServer } from '@mm/exchange-asterdex/test-support';
import { simCounterparty } from '@mm/exchange-sim/test-support';
import { LIVE_FACTORIES, RemotePaperVenues, Runner, VenueRegistry } from '@mm/runner';
import { openStorage } from '@mm/storage';
import type { Storage } from '@mm/storage';
import { createTestDatabase, postgresSkipReason } from '@mm/storage/test-support/postgres';
import type { TestDatabase } from '@mm/storage/test-support/postgres';
import { pino } from 'pino';
import { startTestServer } from '../../test-support/app.ts';
import type { TestServer } from '../../test-support/app.ts';
import { PAPER_LIVE_ACCOUNT, SYMBOL, liveDataMaker, privateCalls, startBookedMock, until } from '../../test-support/paper-live.ts';

const TOKEN = 'runner-token-for-the-paper-live-test';
const APP_SECRET = 'paper-live-external-test-secret-0123456789';
const skip = await postgresSkipReason();

let mock: AsterMockServer;
let db: TestDatabase;
let s: TestServer;
let runnerStorage: Storage;
let runner: Runner;
let registry: VenueRegistry;

before(async () => {
  if (skip !== undefined) return;
  mock = await startBookedMock();
  db = await createTestDatabase();
  s = await startTestServer({ DEMO_BOT: 'false', RUNNERS: 'external', RUNNER_TOKEN: TOKEN, DATABASE_URL: db.url, APP_SECRET });
  const clock = new LiveClock();
  const id = randomUUID();
  runnerStorage = await openStorage({ databaseUrl: db.url, appSecret: APP_SECRET, migrate: 'verify', logger: pino({ level: 'silent' }) });
  const venueUrl = `${s.base.replace(/^http/, 'ws')}/api/venue`;
  registry = new VenueRegistry(runnerStorage, new RemotePaperVenues({ url: venueUrl, token: TOKEN, client: id, clock }), clock, LIVE_FACTORIES);
  runner = new Runner({ storage: runnerStorage, venues: registry, clock, logger: pino({ level: 'silent' }), version: 'test', id, name: 'external', ttlMs: 10_000, renewMs: 1_000, timings: { stopDeadlineMs: 3_000 } });
  await runner.start();
});

after(async () => {
  await runner?.drain().catch(() => undefined);
  await registry?.closeAll().catch(() => undefined);
  await runnerStorage?.close().catch(() => undefined);
  await s?.close();
  await mock?.close();
  await db?.drop();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });

test('an external runner trades a paper bot on live market data through the server\u2019s replay world', { skip, timeout: 120_000 }, async () => {
  const created = await authed('POST', '/api/accounts', { ...PAPER_LIVE_ACCOUNT, baseUrls: mock.urls });
  assert.equal(created.status, 201, created.text);
  const account = created.body as AccountDto;
  const bot = await authed('POST', '/api/bots', liveDataMaker('Live-data maker on a runner', account.id));
  assert.equal(bot.status, 201, bot.text);
  const botId = (bot.body as BotDetailDto).id;
  const held = await until('the runner to hold the bot', () => authed('GET', `/api/bots/${botId}`), (r) => (r.body as BotDetailDto).lease?.runnerId === runner.id);
  assert.equal((held.body as BotDetailDto).lease?.runnerName, 'external');
  assert.equal(s.app.runner, undefined, 'the server runs no bot itself');
  const started = await authed('POST', `/api/bots/${botId}/actions/start`);
  assert.equal(started.status, 200, started.text);

  // the bot's orders rest in the server's world for the account, at the feed's best prices
  const open = () => (s.app.paperLive.world(account.id)?.exchange.openOrders(account.id, SYMBOL) ?? []).filter((o) => o.status === 'open' || o.status === 'partially_filled');
  const ours = await until('the bot to quote both sides', open, (o) => o.length === 2);
  assert.deepEqual(ours.map((o) => [o.side, o.priceTicks]).sort(), [['buy', 9_990], ['sell', 10_010]]);
  assert.notEqual(s.app.paperLive.feed(account.id, SYMBOL), undefined, 'the feed opened for the runner\u2019s bot');
  const market = s.app.paperLive.world(account.id)!.market(SYMBOL);
  const bid = ours.find((o) => o.side === 'buy')!;
  assert.equal(market.queueAhead(bid.venueOrderId), 10, 'behind the 1.0 the venue shows at 99.90');

  // prints at 99.90 use up the queue ahead, one at 99.80 trades through our bid
  await simCounterparty(mock.exchange, 'taker', SYMBOL).place({ side: 'sell', priceTicks: 9_980, qtyLots: 20, timeInForce: 'IOC' });
  const fills = await until('the maker fill, stored by the runner', async () => ((await authed('GET', `/api/bots/${botId}/fills`)).body as Page<FillDto>).items, (f) => f.length > 0);
  assert.deepEqual(fills.map((f) => [f.side, f.liquidity, f.price, f.qty]), [['buy', 'maker', '99.9', '0.5']]);
  assert.equal(s.app.paperLive.world(account.id)!.exchange.counters.selfTrades, 0);

  // stopped on the runner: the server sees no bot needing the feed and closes it
  const stopped = await authed('POST', `/api/bots/${botId}/actions/stop`);
  assert.equal(stopped.status, 200, stopped.text);
  assert.equal((stopped.body as BotDetailDto).state, 'STOPPED');
  await until('the feed to close with the last bot', () => s.app.paperLive.feed(account.id, SYMBOL), (f) => f === undefined);
  assert.equal(open().length, 0, 'no order left resting');
  assert.deepEqual(privateCalls(mock), [], 'no request went to an order, account or key endpoint');
});
