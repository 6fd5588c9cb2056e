import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { LiveClock } from '@mm/core';
import type { OrderRequest } from '@mm/core';
import { RemoteVenueAdapter } from '@mm/exchange';
import { startSimVenue } from './venue-process.ts';
import type { OpenOrderEntry, OrderLogEntry, SimVenueProcess, TradeEntry } from './venue-process.ts';
import type { PaperMarketSpec } from './world.ts';

// a quiet market: makers quote ±12 bp around 100.00, no takers and no arbitrage, so only the
// test's own orders trade with each other
const QUIET: PaperMarketSpec = {
  instrument: { symbol: 'QUIETUSDT', base: 'Q', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '1', minQty: '1', minNotional: '5' },
  path: { kind: 'random-walk', startPrice: 100, dailyVolatility: 0 },
  takers: { perSecond: 0 },
  arbitrage: { thresholdBps: 0 },
};
const clock = new LiveClock();

function limit(clientOrderId: string, side: 'buy' | 'sell', priceTicks: number, timeInForce: OrderRequest['timeInForce'] = 'GTC'): OrderRequest {
  return { clientOrderId, symbol: 'QUIETUSDT', side, type: 'limit', timeInForce, priceTicks, qtyLots: 1 };
}

async function get<T>(venue: SimVenueProcess, path: string): Promise<T> {
  const res = await fetch(`${venue.httpUrl}${path}`);
  assert.equal(res.status, 200);
  return (await res.json()) as T;
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await clock.sleep(25);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

test('the venue process logs order lifecycles and trades per runner, over HTTP too', async () => {
  const venue = await startSimVenue({ port: 0, token: 't', markets: [QUIET], funding: { USDT: '100000', Q: '1000' }, latency: { orderEntryMs: 1, responseMs: 1, marketDataMs: 1, privateMs: 1, orderJitterMs: 0 } });
  const r1 = new RemoteVenueAdapter({ url: venue.url, token: 't', accountId: 'alice', market: 'spot', client: 'runner-1' });
  const r2 = new RemoteVenueAdapter({ url: venue.url, token: 't', accountId: 'bob', market: 'spot', client: 'runner-2' });
  try {
    await r1.connect();
    await r2.connect();
    assert.equal(r1.accountKey, 'sim:alice:spot');
    // alice rests a sell inside the makers' spread, bob takes it: both sides are served accounts
    const [resting] = await r1.placeOrders([limit('a-sell', 'sell', 10_000), limit('a-bid', 'buy', 9_000)]);
    assert.ok(resting?.ok, resting?.ok === false ? resting.error.message : "no result");
    const open = await get<OpenOrderEntry[]>(venue, '/open-orders');
    assert.deepEqual(
      open.map((o) => [o.accountId, o.clientOrderId, o.client]).sort(),
      [
        ['alice', 'a-bid', 'runner-1'],
        ['alice', 'a-sell', 'runner-1'],
      ],
    );
    const [taken] = await r2.placeOrders([limit('b-buy', 'buy', 10_000, 'IOC')]);
    assert.ok(taken?.ok && taken.order.status === 'filled', 'bob met alice at her price');
    await r1.cancelOrders([{ symbol: 'QUIETUSDT', clientOrderId: 'a-bid' }]);

    const log = await get<OrderLogEntry[]>(venue, '/orders-log');
    const lifecycle = (id: string) => log.filter((e) => e.clientOrderId === id).map((e) => `${e.event}:${e.status}:${e.client}`);
    assert.deepEqual(lifecycle('a-sell'), ['open:open:runner-1', 'closed:filled:runner-1']);
    assert.deepEqual(lifecycle('a-bid'), ['open:open:runner-1', 'closed:canceled:runner-1']);
    assert.deepEqual(lifecycle('b-buy'), ['open:filled:runner-2', 'closed:filled:runner-2'], 'an order filled on arrival still opens then closes');
    assert.ok(log.every((e) => e.at > 0 && e.symbol === 'QUIETUSDT'));
    assert.deepEqual(venue.orderLog(), log);

    const fills = await get<TradeEntry[]>(venue, '/fills');
    assert.equal(fills.length, 1);
    const [trade] = fills;
    assert.deepEqual(trade!.maker, { accountId: 'alice', clientOrderId: 'a-sell', client: 'runner-1' });
    assert.deepEqual(trade!.taker, { accountId: 'bob', clientOrderId: 'b-buy', client: 'runner-2' });
    assert.equal(trade!.takerSide, 'buy');
    assert.equal(trade!.priceTicks, 10_000);
    assert.ok(trade!.tradeId.length > 0);
    assert.deepEqual(await get<OpenOrderEntry[]>(venue, '/open-orders'), []);

    // a trade with the simulated market names the market side as nobody
    const [sweep] = await r2.placeOrders([limit('b-sweep', 'buy', 10_100, 'IOC')]);
    assert.ok(sweep?.ok);
    await until(async () => (await get<TradeEntry[]>(venue, '/fills')).some((t) => t.taker.clientOrderId === 'b-sweep'), 'the sweep trade');
    const swept = (await get<TradeEntry[]>(venue, '/fills')).filter((t) => t.taker.clientOrderId === 'b-sweep');
    assert.ok(swept.every((t) => t.maker.accountId === null && t.taker.client === 'runner-2'));

    const missing = await fetch(`${venue.httpUrl}/nothing`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /orders-log/);
  } finally {
    await r1.close();
    await r2.close();
    await venue.close();
  }
});

test('the simulated market accounts are not for clients', async () => {
  const venue = await startSimVenue({ port: 0, markets: [QUIET] });
  const intruder = new RemoteVenueAdapter({ url: venue.url, accountId: 'QUIETUSDT:maker', market: 'spot', client: 'x' });
  try {
    await assert.rejects(intruder.connect(), /belongs to the simulated market/);
  } finally {
    await intruder.close();
    await venue.close();
  }
});

test('npm run sim-venue prints its URL, serves clients and stops on SIGTERM', async () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sim-venue.mjs', '--port', '0', '--token', 'cli'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  try {
    const lines = createInterface({ input: child.stdout! });
    const [line] = (await once(lines, 'line')) as [string];
    const match = /^sim venue listening on (ws:\/\/127\.0\.0\.1:\d+\/venue)$/.exec(line);
    assert.ok(match, `unexpected first line: ${line}`);
    const remote = new RemoteVenueAdapter({ url: match[1]!, token: 'cli', accountId: 'carol', market: 'perp', client: 'runner-cli' });
    await remote.connect();
    assert.ok((await remote.instruments()).some((i) => i.symbol === 'DEMOUSDT-PERP'));
    await remote.close();
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
