// The remote venue (RemoteVenueAdapter ⇄ serveVenues) over a real local socket, with the
// simulated exchange behind it: the shared conformance suite, then what only the wire adds
// (lost sockets, reconnection, auth, sharing one account between connections).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { EngineError, LiveClock, Rng, fx } from '@mm/core';
import type { OrderRequest } from '@mm/core';
import { RemoteVenueAdapter, serveVenues } from '@mm/exchange';
import type { ConnectionEvent, MarketKind, RemoteVenueOptions, VenueServer } from '@mm/exchange';
import { describeVenueConformance } from '@mm/exchange/test-support';
import type { ConformanceHarness, HarnessFactory } from '@mm/exchange/test-support';
import { CONFORMANCE_PERP, CONFORMANCE_SPOT, simCounterparty } from '../test-support/index.ts';
import { SimExchange } from './exchange.ts';
import { SimVenue } from './venue.ts';
import type { LatencyModel } from './venue.ts';

interface Served {
  readonly clock: LiveClock;
  readonly exchange: SimExchange;
  readonly venue: SimVenue;
  readonly server: VenueServer;
  /** Every client socket opened, newest last (to cut them in tests). */
  readonly sockets: WebSocket[];
  remote(extra?: Partial<RemoteVenueOptions>): RemoteVenueAdapter;
  close(): Promise<void>;
}

const FAST: LatencyModel = { orderEntryMs: 2, orderJitterMs: 1, responseMs: 2, marketDataMs: 3, privateMs: 2 };

async function serveSim(market: MarketKind, options: { token?: string; latency?: Partial<LatencyModel>; pingIntervalMs?: number } = {}): Promise<Served> {
  const clock = new LiveClock();
  const exchange = new SimExchange({ clock, instruments: [CONFORMANCE_SPOT, CONFORMANCE_PERP], fundingIntervalMs: 0 });
  for (const name of ['me', 'them']) {
    exchange.createAccount(name, { stpMode: 'expire_taker' });
    exchange.deposit(name, 'USDT', fx.parse('100000'));
    exchange.deposit(name, 'CONF', fx.parse('10000'));
  }
  const venue = new SimVenue({ exchange, account: 'me', clock, rng: new Rng('served'), market, latency: { ...FAST, ...options.latency }, bookIntervalMs: 20, reconnectDelayMs: 150 });
  const server = await serveVenues({
    server: { port: 0, host: '127.0.0.1' },
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.pingIntervalMs === undefined ? {} : { pingIntervalMs: options.pingIntervalMs }),
    resolve: async (hello) => {
      if (hello.accountId !== 'me' || hello.market !== market) throw new EngineError('AUTH_FAILED', `no account ${hello.accountId} (${hello.market}) here`);
      return venue;
    },
  });
  const sockets: WebSocket[] = [];
  const remotes: RemoteVenueAdapter[] = [];
  let n = 0;
  return {
    clock,
    exchange,
    venue,
    server,
    sockets,
    remote: (extra = {}) => {
      const remote = new RemoteVenueAdapter({
        url: server.url,
        accountId: 'me',
        market,
        client: `runner-${++n}`,
        ...(options.token === undefined ? {} : { token: options.token }),
        backoff: { initialMs: 50, maxMs: 200 },
        createSocket: (url) => {
          const socket = new WebSocket(url);
          sockets.push(socket);
          return socket;
        },
        ...extra,
      });
      remotes.push(remote);
      return remote;
    },
    close: async () => {
      for (const r of remotes) await r.close();
      await server.close();
      await venue.close();
      exchange.dispose();
    },
  };
}

/** Two clients of the served adapter's one account, connected one after the other. */
async function connectedPair(served: Served): Promise<[RemoteVenueAdapter, RemoteVenueAdapter]> {
  const a = served.remote();
  const b = served.remote();
  await a.connect();
  await b.connect();
  return [a, b];
}

function remoteHarness(market: MarketKind): HarnessFactory {
  return async (): Promise<ConformanceHarness> => {
    const served = await serveSim(market);
    const symbol = market === 'spot' ? CONFORMANCE_SPOT.symbol : CONFORMANCE_PERP.symbol;
    const [venue, sameAccount] = await connectedPair(served);
    await venue.subscribeMarket(symbol);
    return {
      venue,
      sameAccount,
      symbol,
      instrument: venue.instrument(symbol),
      midTicks: 10_000,
      unitLots: 10,
      counterparty: simCounterparty(served.exchange, 'them', symbol),
      // the served adapter's faults: its stream drops must reach the remote clients as events
      faults: served.venue.faults,
      settle: (ms = 20) => served.clock.sleep(ms),
      now: () => served.clock.now(),
      close: () => served.close(),
    };
  };
}

describeVenueConformance('remote venue (simulated exchange over a WebSocket), spot', remoteHarness('spot'));
describeVenueConformance('remote venue (simulated exchange over a WebSocket), perp', remoteHarness('perp'));

async function until(clock: LiveClock, condition: () => boolean, what: string, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (condition()) return;
    await clock.sleep(25);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

function order(clientOrderId: string, priceTicks: number): OrderRequest {
  return { clientOrderId, symbol: CONFORMANCE_SPOT.symbol, side: 'buy', type: 'limit', timeInForce: 'GTC', priceTicks, qtyLots: 10 };
}

describe('remote venue over the wire', () => {
  test('the client has the served adapter account key and capabilities, and Instrument objects', async () => {
    const served = await serveSim('spot');
    try {
      const remote = served.remote();
      await remote.connect();
      assert.equal(remote.accountKey, served.venue.accountKey);
      assert.deepEqual(remote.capabilities, served.venue.capabilities);
      const inst = remote.instrument(CONFORMANCE_SPOT.symbol);
      assert.equal(inst.priceToTicks('100.01'), 10_001);
      assert.throws(() => remote.instrument(CONFORMANCE_PERP.symbol), (e: EngineError) => e.code === 'UNKNOWN_SYMBOL');
      // closed, then connected again: a fresh connection that works
      await remote.close();
      await assert.rejects(remote.serverTime(), (e: EngineError) => e.code === 'NETWORK');
      const states: string[] = [];
      remote.events.on('connection', (e) => states.push(`${e.stream}:${e.state}`));
      await remote.connect();
      assert.deepEqual(states, ['private:connected']);
      assert.ok((await remote.serverTime()) > 0);
    } finally {
      await served.close();
    }
  });

  test('a dropped socket: the in-flight placeOrders is unknown (never rejected); after the reconnect the order is found, markets are re-subscribed and events flow', async () => {
    // a slow order entry keeps the request in flight while the socket is cut
    const served = await serveSim('spot', { latency: { orderEntryMs: 300 } });
    try {
      const remote = served.remote();
      const states: ConnectionEvent[] = [];
      remote.events.on('connection', (e) => states.push(e));
      await remote.connect();
      await remote.subscribeMarket(CONFORMANCE_SPOT.symbol);
      const placing = remote.placeOrders([order('lost1', 9_990), order('lost2', 9_989)]);
      await served.clock.sleep(50);
      served.sockets.at(-1)!.terminate();
      const results = await placing;
      assert.equal(results.length, 2);
      for (const [i, r] of results.entries()) {
        assert.equal(r.ok, false);
        if (r.ok) continue;
        assert.equal(r.outcome, 'unknown', 'an unanswered submit is never a rejection');
        assert.equal(r.clientOrderId, `lost${i + 1}`);
        assert.equal(r.error.code, 'UNKNOWN_OUTCOME');
      }
      assert.ok(states.some((s) => s.stream === 'private' && s.state === 'disconnected'), 'private disconnected reported');
      assert.ok(states.some((s) => s.stream === 'market' && s.state === 'disconnected'), 'market disconnected reported');
      // while down, a read is not sent and says so, retryably
      await assert.rejects(remote.balances(), (e: EngineError) => e.code === 'NETWORK' && e.retryable);
      await until(served.clock, () => states.some((s) => s.stream === 'private' && s.state === 'reconnected'), 'the reconnect');
      assert.ok(states.some((s) => s.stream === 'market' && s.state === 'reconnected'));
      assert.ok(served.sockets.length >= 2, 'a new socket was opened');
      // the venue got the orders even though their answer was lost
      const found = await remote.queryOrder({ symbol: CONFORMANCE_SPOT.symbol, clientOrderId: 'lost1' });
      assert.equal(found?.status, 'open');
      // market events reach the new connection only if it subscribed again
      const books: number[] = [];
      remote.events.on('book', (b) => {
        if (b.bids[0] !== undefined) books.push(b.bids[0].priceTicks);
      });
      await simCounterparty(served.exchange, 'them', CONFORMANCE_SPOT.symbol).place({ side: 'buy', priceTicks: 9_995, qtyLots: 10 });
      await until(served.clock, () => books.includes(9_995), 'a book from the re-subscribed market');
      const orders: string[] = [];
      remote.events.on('order', (o) => orders.push(o.clientOrderId));
      await remote.cancelOrders([{ symbol: CONFORMANCE_SPOT.symbol, clientOrderId: 'lost1' }]);
      await until(served.clock, () => orders.includes('lost1'), 'the private stream after the reconnect');
    } finally {
      await served.close();
    }
  });

  test('a call the server never answers times out as unknown for orders and as a retryable error for reads', async () => {
    const served = await serveSim('spot', { latency: { orderEntryMs: 400 } });
    try {
      const remote = served.remote({ callTimeoutMs: 100 });
      await remote.connect();
      const [placed] = await remote.placeOrders([order('slow1', 9_980)]);
      assert.ok(placed && !placed.ok && placed.outcome === 'unknown', 'a timed-out submit is unknown');
      const [cancelled] = await remote.cancelOrders([{ symbol: CONFORMANCE_SPOT.symbol, clientOrderId: 'slow1' }]);
      assert.ok(cancelled && !cancelled.ok && cancelled.outcome === 'unknown', 'a timed-out cancel is unknown');
      const amended = await remote.amendOrder({ symbol: CONFORMANCE_SPOT.symbol, clientOrderId: 'slow1', priceTicks: 9_981, qtyLots: 10 });
      assert.ok(!amended.ok && amended.outcome === 'unknown', 'a timed-out amend is unknown');
      await assert.rejects(remote.openOrders(), (e: EngineError) => e.code === 'TIMEOUT' && e.retryable);
      await assert.rejects(remote.cancelAll(CONFORMANCE_SPOT.symbol), (e: EngineError) => e.code === 'UNKNOWN_OUTCOME');
      assert.ok(remote.isConnected, 'a slow answer does not drop the connection');
    } finally {
      await served.close();
    }
  });

  test('a wrong or missing token is refused with a clear message and no retries', async () => {
    const served = await serveSim('spot', { token: 'right' });
    try {
      const wrong = served.remote({ token: 'wrong' });
      await assert.rejects(wrong.connect(), (e: EngineError) => e.code === 'AUTH_FAILED' && /token is wrong/.test(e.message));
      const missing = served.remote({ token: undefined });
      await assert.rejects(missing.connect(), (e: EngineError) => e.code === 'AUTH_FAILED' && /needs a token/.test(e.message));
      const socketsAfter = served.sockets.length;
      await served.clock.sleep(300);
      assert.equal(served.sockets.length, socketsAfter, 'a refused client does not keep reconnecting');
      assert.equal(served.server.connectionCount(), 0);
      const right = served.remote({ token: 'right' });
      await right.connect();
      assert.equal(served.server.connectionCount(), 1);
    } finally {
      await served.close();
    }
  });

  test('an unknown account and a mismatched account key are refused with the reason', async () => {
    const served = await serveSim('spot');
    try {
      await assert.rejects(served.remote({ accountId: 'nobody' }).connect(), (e: EngineError) => /no account nobody/.test(e.message));
      await assert.rejects(served.remote({ accountKey: 'sim:other:spot' }).connect(), (e: EngineError) => /expects account key sim:other:spot/.test(e.message));
    } finally {
      await served.close();
    }
  });

  test('two clients on one account see each other\'s orders and fills; closing one leaves the shared adapter serving the other', async () => {
    const served = await serveSim('spot');
    try {
      const [a, b] = await connectedPair(served);
      assert.equal(a.accountKey, b.accountKey);
      const seenByB: string[] = [];
      b.events.on('order', (o) => seenByB.push(o.clientOrderId));
      const [placed] = await a.placeOrders([order('fromA', 9_970)]);
      assert.ok(placed?.ok);
      await until(served.clock, () => seenByB.includes('fromA'), "b sees a's order event");
      assert.ok((await b.openOrders()).some((o) => o.clientOrderId === 'fromA'), "b lists a's order");
      const fillsOfB: string[] = [];
      b.events.on('fill', (f) => fillsOfB.push(f.clientOrderId));
      await simCounterparty(served.exchange, 'them', CONFORMANCE_SPOT.symbol).place({ side: 'sell', priceTicks: 9_970, qtyLots: 10, timeInForce: 'IOC' });
      await until(served.clock, () => fillsOfB.includes('fromA'), "b sees the fill of a's order");
      await a.close();
      const [second] = await b.placeOrders([order('fromB', 9_960)]);
      assert.ok(second?.ok, 'the shared adapter still serves b');
      assert.equal(served.server.connectionCount(), 1);
    } finally {
      await served.close();
    }
  });

  test('a market one client unsubscribes keeps flowing to another client that still wants it', async () => {
    const served = await serveSim('spot');
    try {
      const [a, b] = await connectedPair(served);
      await a.subscribeMarket(CONFORMANCE_SPOT.symbol);
      await b.subscribeMarket(CONFORMANCE_SPOT.symbol);
      await a.unsubscribeMarket(CONFORMANCE_SPOT.symbol);
      const booksA: number[] = [];
      const booksB: number[] = [];
      a.events.on('book', (x) => booksA.push(x.sequence));
      b.events.on('book', (x) => booksB.push(x.sequence));
      await simCounterparty(served.exchange, 'them', CONFORMANCE_SPOT.symbol).place({ side: 'buy', priceTicks: 9_900, qtyLots: 10 });
      await until(served.clock, () => booksB.length > 0, 'a book for b');
      assert.equal(booksA.length, 0, 'a unsubscribed: no books for it');
    } finally {
      await served.close();
    }
  });

  test('the server drops a peer that stops answering pings', async () => {
    const served = await serveSim('spot', { pingIntervalMs: 40 });
    try {
      const silent = new WebSocket(served.server.url, { autoPong: false });
      await new Promise((resolve) => silent.once('open', resolve));
      silent.send(JSON.stringify({ type: 'hello', protocol: 1, accountId: 'me', market: 'spot', client: 'silent' }));
      const welcome = await new Promise<string>((resolve) => silent.once('message', (data) => resolve(String(data))));
      assert.match(welcome, /^\{"type":"welcome"/);
      let closed = false;
      silent.once('close', () => {
        closed = true;
      });
      await until(served.clock, () => closed, 'the server to drop the silent peer');
      await until(served.clock, () => served.server.connectionCount() === 0, 'the server to forget the silent peer');
    } finally {
      await served.close();
    }
  });

  test('without a server of its own it serves sockets accepted elsewhere (a Fastify websocket route)', async () => {
    const served = await serveSim('spot');
    const detached = await serveVenues({ resolve: async () => served.venue });
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) => detached.accept(socket));
    const { port } = wss.address() as { port: number };
    const remote = served.remote({ url: `ws://127.0.0.1:${port}/anything` });
    try {
      assert.equal(detached.url, '');
      await remote.connect();
      const [placed] = await remote.placeOrders([order('elsewhere', 9_950)]);
      assert.ok(placed?.ok);
      assert.equal(detached.connectionCount(), 1);
    } finally {
      await remote.close();
      await detached.close();
      await new Promise((resolve) => wss.close(resolve));
      await served.close();
    }
  });
});
