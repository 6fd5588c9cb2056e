import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveClock, SimClock, isEngineError } from '@mm/core';
import type { Clock } from '@mm/core';
import { RateLimiter } from './rate-limiter.ts';
import { HttpTransport, RestClient, encodeParams, parseRetryAfter, validateEndpointTable, validateParams } from './rest.ts';
import type { EndpointSpec, Params, SignedRequest } from './rest.ts';

const NEW_ORDER: EndpointSpec = {
  id: 'newOrder',
  method: 'POST',
  path: '/api/order',
  security: 'TRADE',
  weight: 1,
  pools: { ORDERS: 1 },
  priority: 'high',
  params: [
    { name: 'symbol', type: 'string', required: true },
    { name: 'side', type: 'enum', required: true, values: ['BUY', 'SELL'] },
    { name: 'quantity', type: 'decimal', required: true },
    { name: 'price', type: 'decimal' },
    { name: 'reduceOnly', type: 'boolean' },
    { name: 'recvWindow', type: 'int' },
    { name: 'orderId', type: 'long' },
    { name: 'batch', type: 'json' },
  ],
};
const CANCEL: EndpointSpec = { id: 'cancel', method: 'DELETE', path: '/api/order', security: 'TRADE', weight: 1, priority: 'critical', params: [{ name: 'tag', type: 'string' }] };
const QUERY: EndpointSpec = { id: 'query', method: 'GET', path: '/api/order', security: 'USER_DATA', weight: 1, priority: 'normal', params: [{ name: 'tag', type: 'string' }] };
const DEPTH: EndpointSpec = {
  id: 'depth',
  method: 'GET',
  path: '/api/depth',
  security: 'NONE',
  weight: (p: Params) => (Number(p.limit ?? 100) > 100 ? 10 : 2),
  priority: 'low',
  params: [{ name: 'tag', type: 'string' }, { name: 'limit', type: 'int' }],
};
const TABLE = [NEW_ORDER, CANCEL, QUERY, DEPTH];

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

interface Loopback {
  readonly url: string;
  readonly hits: { method: string; url: string; body: string; headers: IncomingMessage['headers'] }[];
  handler: Handler;
  close(): Promise<void>;
}

async function loopback(): Promise<Loopback> {
  const state: Loopback = {
    url: '',
    hits: [],
    handler: (_req, _body, res) => res.end('{}'),
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      state.hits.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      state.handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function makeClient(baseUrl: string, options: { clock?: Clock; limiter?: RateLimiter; timeoutMs?: number } = {}): { client: RestClient; limiter: RateLimiter; seen: string[] } {
  const clock = options.clock ?? new LiveClock();
  const limiter =
    options.limiter ??
    new RateLimiter({ clock, pools: [{ name: 'WEIGHT', limit: 1000, intervalMs: 60_000 }, { name: 'ORDERS', limit: 100, intervalMs: 10_000 }] });
  const seen: string[] = [];
  const client = new RestClient({
    name: 'testvenue',
    endpoints: TABLE,
    transport: new HttpTransport({ baseUrl, clock: new LiveClock(), timeoutMs: options.timeoutMs ?? 2000, name: 'testvenue' }),
    limiter,
    clock,
    weightPool: 'WEIGHT',
    sign: (spec, params): SignedRequest => {
      const query = encodeParams(params);
      return spec.method === 'GET' || spec.method === 'DELETE'
        ? { query, headers: { 'x-api-key': 'k' } }
        : { body: query, headers: { 'x-api-key': 'k', 'content-type': 'application/x-www-form-urlencoded' } };
    },
    observeHeaders: (headers, _spec, l) => {
      const used = headers['x-used-weight'];
      seen.push(used ?? '-');
      if (used !== undefined) l.observeUsed('WEIGHT', Number(used));
    },
  });
  return { client, limiter, seen };
}

test('validateParams names the endpoint and the parameter', () => {
  const ok: Params = { symbol: 'BTCUSDT', side: 'BUY', quantity: '0.010', price: '65000.5', reduceOnly: false, recvWindow: 5000, orderId: 2n ** 60n, batch: [{ a: 1 }] };
  validateParams(NEW_ORDER, ok);
  validateParams(NEW_ORDER, { symbol: 'X', side: 'SELL', quantity: '1', orderId: '123456789012345678901', price: undefined });
  const cases: [Params, RegExp][] = [
    [{ side: 'BUY', quantity: '1' }, /newOrder: parameter "symbol" is required/],
    [{ symbol: 'X', side: 'BUY', quantity: '1', leverage: 5 }, /newOrder: parameter "leverage" is not accepted.*allowed: symbol, side/],
    [{ symbol: 'X', side: 'HOLD', quantity: '1' }, /"side" must be one of BUY, SELL, got "HOLD"/],
    [{ symbol: 'X', side: 'BUY', quantity: 0.1 }, /"quantity" must be a decimal string.*lose precision/],
    [{ symbol: 'X', side: 'BUY', quantity: '1e-3' }, /"quantity" must be a decimal string/],
    [{ symbol: 'X', side: 'BUY', quantity: '1.' }, /"quantity" must be a decimal string/],
    [{ symbol: 'X', side: 'BUY', quantity: '1', recvWindow: 1.5 }, /"recvWindow" must be a whole number/],
    [{ symbol: 'X', side: 'BUY', quantity: '1', reduceOnly: 'yes' }, /"reduceOnly" must be true or false/],
    [{ symbol: '', side: 'BUY', quantity: '1' }, /"symbol" must be a non-empty string/],
    [{ symbol: 'X', side: 'BUY', quantity: '1', orderId: '12a' }, /"orderId" must be a whole number/],
    [{ symbol: 'X', side: 'BUY', quantity: '1', batch: 5 }, /"batch" must be an object/],
  ];
  for (const [params, message] of cases) {
    assert.throws(() => validateParams(NEW_ORDER, params), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && message.test(e.message), String(message));
  }
});

test('endpoint tables are checked at construction', () => {
  assert.throws(() => validateEndpointTable('v', [QUERY, QUERY]), (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && /defined twice/.test(e.message));
  assert.throws(
    () => validateEndpointTable('v', [{ ...QUERY, params: [{ name: 'side', type: 'enum' }] }]),
    (e: unknown) => isEngineError(e, 'INVALID_CONFIG') && /needs its allowed values/.test(e.message),
  );
  assert.equal(parseRetryAfter('3', 0), 3000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.UTC(2026, 0, 1)), 10_000);
  assert.equal(parseRetryAfter('soon', 0), undefined);
});

test('a call validates, charges the limiter, signs, sends and maps the JSON answer', async () => {
  const server = await loopback();
  server.handler = (_req, _body, res) => {
    res.setHeader('x-used-weight', '37');
    res.setHeader('content-type', 'application/json');
    res.end('{"orderId":42}');
  };
  const { client, limiter, seen } = makeClient(server.url);
  try {
    const result = await client.call('newOrder', { symbol: 'BTCUSDT', side: 'BUY', quantity: '0.5', price: '100.10' });
    assert.deepEqual(result, { orderId: 42 });
    assert.equal(server.hits[0]?.method, 'POST');
    assert.equal(server.hits[0]?.body, 'symbol=BTCUSDT&side=BUY&quantity=0.5&price=100.10');
    assert.equal(server.hits[0]?.headers['x-api-key'], 'k');
    assert.deepEqual(seen, ['37']);
    const pools = Object.fromEntries(limiter.snapshot().pools.map((p) => [p.name, p.used]));
    assert.deepEqual(pools, { WEIGHT: 37, ORDERS: 1 });
    server.handler = (_req, _body, res) => res.end('[]');
    await client.call('depth', { limit: 500 });
    assert.equal(server.hits[1]?.url, '/api/depth?limit=500');
    assert.equal(limiter.snapshot().pools[0]?.used, 47, 'the weight function charged 10 on top of the venue count');
    assert.deepEqual(seen, ['37', '-']);

    await assert.rejects(client.call('newOrder', { symbol: 'BTCUSDT', side: 'BUY' }), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'));
    await assert.rejects(client.call('nope'), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /no endpoint "nope"/.test(e.message));
    assert.equal(server.hits.length, 2, 'invalid calls never reach the venue');

    server.handler = (_req, _body, res) => {
      res.statusCode = 400;
      res.end('{"code":-1102,"msg":"Mandatory parameter"}');
    };
    await assert.rejects(client.call('query'), (e: unknown) => isEngineError(e, 'VENUE_ERROR') && e.venueCode === 400 && /-1102/.test(e.message));
  } finally {
    await server.close();
  }
});

test('a timeout on POST is UNKNOWN_OUTCOME; on GET it is a retryable TIMEOUT', async () => {
  const server = await loopback();
  server.handler = () => {}; // never answers
  const { client } = makeClient(server.url, { timeoutMs: 50 });
  try {
    await assert.rejects(client.call('newOrder', { symbol: 'X', side: 'BUY', quantity: '1' }), (e: unknown) => {
      assert.ok(isEngineError(e, 'UNKNOWN_OUTCOME'), String(e));
      assert.equal(e.retryable, false);
      assert.match(e.message, /POST \/api\/order got no answer within 50 ms.*may or may not have been executed/);
      return true;
    });
    await assert.rejects(client.call('query'), (e: unknown) => isEngineError(e, 'TIMEOUT') && e.retryable);
  } finally {
    await server.close();
  }
});

test('a refused connection is NETWORK: the request never left', async () => {
  const server = await loopback();
  const url = server.url;
  await server.close();
  const { client } = makeClient(url);
  await assert.rejects(client.call('newOrder', { symbol: 'X', side: 'BUY', quantity: '1' }), (e: unknown) => {
    assert.ok(isEngineError(e, 'NETWORK'), String(e));
    assert.equal(e.retryable, true);
    assert.match(e.message, /ECONNREFUSED.*was not sent/);
    return true;
  });
});

test('a socket reset after sending is UNKNOWN_OUTCOME on POST and NETWORK on GET', async () => {
  const server = await loopback();
  server.handler = (req) => req.socket.destroy();
  const { client } = makeClient(server.url);
  try {
    await assert.rejects(client.call('newOrder', { symbol: 'X', side: 'BUY', quantity: '1' }), (e: unknown) => isEngineError(e, 'UNKNOWN_OUTCOME'));
    await assert.rejects(client.call('query'), (e: unknown) => isEngineError(e, 'NETWORK') && /safe to retry/.test(e.message));
    assert.equal(server.hits.length, 2);
  } finally {
    await server.close();
  }
});

test('HTTP 503 on POST is UNKNOWN_OUTCOME, never a rejection; on GET it is VENUE_UNAVAILABLE', async () => {
  const server = await loopback();
  server.handler = (_req, _body, res) => {
    res.statusCode = 503;
    res.end('<html>upstream timeout</html>');
  };
  const { client } = makeClient(server.url);
  try {
    await assert.rejects(client.call('newOrder', { symbol: 'X', side: 'BUY', quantity: '1' }), (e: unknown) => {
      assert.ok(isEngineError(e, 'UNKNOWN_OUTCOME'), String(e));
      assert.equal(e.venueCode, 503);
      assert.equal(e.details?.body, '<html>upstream timeout</html>');
      return true;
    });
    await assert.rejects(client.call('query'), (e: unknown) => isEngineError(e, 'VENUE_UNAVAILABLE') && e.retryable);
  } finally {
    await server.close();
  }
});

test('HTTP 429 with Retry-After pauses the limiter and throws RATE_LIMITED', async () => {
  const server = await loopback();
  server.handler = (_req, _body, res) => {
    res.statusCode = 429;
    res.setHeader('retry-after', '3');
    res.end('{"code":-1003,"msg":"Too many requests"}');
  };
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const { client, limiter } = makeClient(server.url, { clock });
  try {
    await assert.rejects(client.call('query'), (e: unknown) => isEngineError(e, 'RATE_LIMITED') && /pause for 3000 ms/.test(e.message));
    assert.equal(limiter.snapshot().pausedUntil, clock.now() + 3000);
    server.handler = (_req, _body, res) => res.end('{}');
    let done = false;
    const next = client.call('cancel').then(() => (done = true));
    await clock.advance(2999);
    assert.equal(done, false);
    assert.equal(server.hits.length, 1, 'nothing is sent during the pause');
    await clock.advance(1);
    await next;
    assert.equal(server.hits.length, 2);
  } finally {
    await server.close();
  }
});

test('HTTP 418 bans: later calls fail with IP_BANNED without reaching the venue', async () => {
  const server = await loopback();
  server.handler = (_req, _body, res) => {
    res.statusCode = 418;
    res.setHeader('retry-after', '120');
    res.end('{"code":-1003,"msg":"IP banned"}');
  };
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const { client, limiter } = makeClient(server.url, { clock });
  try {
    await assert.rejects(client.call('query'), (e: unknown) => isEngineError(e, 'IP_BANNED') && /until 2026-01-01T00:02:00/.test(e.message));
    assert.equal(limiter.snapshot().bannedUntil, clock.now() + 120_000);
    await assert.rejects(client.call('cancel'), (e: unknown) => isEngineError(e, 'IP_BANNED'));
    assert.equal(server.hits.length, 1);
    server.handler = (_req, _body, res) => res.end('{}');
    await clock.advance(120_000);
    await client.call('cancel');
    assert.equal(server.hits.length, 2);
  } finally {
    await server.close();
  }
});

test('queued calls leave in priority order: cancels, then orders, then queries, then polling', async () => {
  const server = await loopback();
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const limiter = new RateLimiter({ clock, safetyMargin: 0, pools: [{ name: 'WEIGHT', limit: 2, intervalMs: 1000 }, { name: 'ORDERS', limit: 100, intervalMs: 1000 }] });
  const { client } = makeClient(server.url, { clock, limiter });
  try {
    const calls = [
      client.call('depth', { tag: 'first' }), // weight 2: fills the window
      client.call('depth', { tag: 'poll' }),
      client.call('query', { tag: 'query' }),
      client.call('newOrder', { symbol: 'X', side: 'BUY', quantity: '1' }),
      client.call('cancel', { tag: 'cancel' }),
    ];
    const tags = (): string[] => server.hits.map((h) => (h.method === 'POST' ? 'order' : new URL(h.url, server.url).searchParams.get('tag') ?? '?'));
    const waitForHits = async (n: number): Promise<void> => {
      for (let i = 0; i < 400 && server.hits.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(server.hits.length, n, `expected ${n} requests, got ${tags().join(',')}`);
    };
    await waitForHits(1);
    await clock.advance(1000); // room for 2 weight: cancel (1) and the order (1)
    await waitForHits(3);
    await clock.advance(1000); // query (1); polling needs 2 and waits
    await waitForHits(4);
    await clock.advance(1000);
    await waitForHits(5);
    await Promise.all(calls);
    assert.deepEqual(tags(), ['first', 'cancel', 'order', 'query', 'poll']);
  } finally {
    await server.close();
  }
});
