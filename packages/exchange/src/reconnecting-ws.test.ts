import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { ServerOptions } from 'ws';
import { LiveClock, Rng, SimClock, isEngineError } from '@mm/core';
import { ReconnectingWebSocket } from './reconnecting-ws.ts';
import type { ReconnectingWebSocketOptions, WsOpenInfo, WsStateEvent } from './reconnecting-ws.ts';

interface TestServer {
  readonly wss: WebSocketServer;
  readonly url: string;
  /** Every connection the server accepted, in order. */
  readonly sockets: WebSocket[];
  /** Text messages received from clients, in order. */
  readonly received: string[];
  close(): Promise<void>;
}

async function startServer(onConnection: (ws: WebSocket) => void = () => {}, options: ServerOptions = {}): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const sockets: WebSocket[] = [];
  const received: string[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) => received.push(String(data)));
    onConnection(ws);
  });
  const { port } = wss.address() as AddressInfo;
  return {
    wss,
    url: `ws://127.0.0.1:${port}`,
    sockets,
    received,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Polls until `check` holds; fails with `what` after a generous deadline (never a timing assertion). */
async function until(check: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Recorded {
  readonly ws: ReconnectingWebSocket;
  readonly messages: string[];
  readonly states: WsStateEvent[];
  readonly opens: WsOpenInfo[];
  readonly onOpenCalls: WsOpenInfo[];
}

function client(options: Partial<ReconnectingWebSocketOptions> & Pick<ReconnectingWebSocketOptions, 'url'>): Recorded {
  const onOpenCalls: WsOpenInfo[] = [];
  const userOnOpen = options.onOpen;
  const ws = new ReconnectingWebSocket({
    clock: new LiveClock(),
    rng: new Rng('ws-test'),
    name: 'test ws',
    backoff: { initialMs: 10, maxMs: 50 },
    ...options,
    onOpen: async (conn, info) => {
      onOpenCalls.push(info);
      await userOnOpen?.(conn, info);
    },
  });
  const messages: string[] = [];
  const states: WsStateEvent[] = [];
  const opens: WsOpenInfo[] = [];
  ws.events.on('message', (m) => messages.push(m));
  ws.events.on('state', (s) => states.push(s));
  ws.events.on('open', (o) => opens.push(o));
  return { ws, messages, states, opens, onOpenCalls };
}

test('messages flow; onOpen logs in and subscribes before the socket reports open', async () => {
  const server = await startServer((ws) => {
    ws.on('message', (data) => {
      const text = String(data);
      if (text === 'login') ws.send('login-ok');
      if (text === 'sub') {
        ws.send('data-1');
        ws.send('data-2');
      }
    });
  });
  let sawOpenDuringOnOpen = false;
  const c = client({
    url: server.url,
    onOpen: async (conn) => {
      conn.send('login');
      await conn.waitFor((m) => m === 'login-ok', 2000);
      sawOpenDuringOnOpen = c.ws.isOpen;
      conn.send('sub');
    },
  });
  try {
    assert.throws(() => c.ws.send('early'), (e: unknown) => isEngineError(e, 'NETWORK'));
    c.ws.start();
    await until(() => c.messages.includes('data-2'), 'data after subscribe');
    assert.equal(sawOpenDuringOnOpen, false, 'not open while onOpen runs');
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'open']);
    assert.deepEqual(c.opens, [{ reconnect: false, rotated: false }]);
    assert.deepEqual(c.messages, ['login-ok', 'data-1', 'data-2']);
    c.ws.send('hello');
    await until(() => server.received.includes('hello'), 'server got hello');
    assert.deepEqual(server.received, ['login', 'sub', 'hello']);
  } finally {
    c.ws.close();
    await server.close();
  }
});

test('a server-side terminate leads to reconnecting, then open with reconnect:true and onOpen re-run', async () => {
  const server = await startServer((ws) => {
    ws.on('message', (data) => {
      if (String(data) === 'sub') ws.send(`subscribed-${server.sockets.length}`);
    });
  });
  let urlCalls = 0;
  const c = client({
    url: async () => {
      urlCalls++;
      return server.url;
    },
    onOpen: (conn) => conn.send('sub'),
  });
  try {
    c.ws.start();
    await until(() => c.messages.includes('subscribed-1'), 'first subscription');
    server.sockets[0]!.terminate();
    await until(() => c.messages.includes('subscribed-2'), 'resubscribed after reconnect');
    await until(() => c.opens.length === 2, 'second open');
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'open', 'reconnecting', 'open']);
    assert.match(c.states[2]!.reason ?? '', /closed/);
    assert.deepEqual(c.onOpenCalls, [{ reconnect: false, rotated: false }, { reconnect: true, rotated: false }]);
    assert.deepEqual(c.opens[1], { reconnect: true, rotated: false });
    assert.deepEqual(server.received, ['sub', 'sub']);
    assert.equal(urlCalls, 2, 'the URL function runs before every connection');
  } finally {
    c.ws.close();
    await server.close();
  }
});

test('protocol heartbeat: answered pings keep the connection, unanswered ones trigger a reconnect', async () => {
  let pings = 0;
  const healthy = await startServer((ws) => ws.on('ping', () => pings++));
  const good = client({ url: healthy.url, heartbeat: { intervalMs: 15, timeoutMs: 200, ping: 'protocol' } });
  try {
    good.ws.start();
    await until(() => pings >= 5, 'five pings answered');
    assert.deepEqual(good.states.map((s) => s.state), ['connecting', 'open']);
  } finally {
    good.ws.close();
    await healthy.close();
  }

  const silent = await startServer(() => {}, { autoPong: false });
  const bad = client({ url: silent.url, heartbeat: { intervalMs: 15, timeoutMs: 40, ping: 'protocol' } });
  try {
    bad.ws.start();
    await until(() => bad.states.some((s) => s.state === 'reconnecting'), 'heartbeat timeout');
    assert.match(bad.states.find((s) => s.state === 'reconnecting')?.reason ?? '', /no pong within 40 ms/);
    await until(() => silent.sockets.length >= 2 && bad.opens.length >= 2, 'reconnected after the timeout');
  } finally {
    bad.ws.close();
    await silent.close();
  }
});

test('text ping mode: "pong" replies are swallowed; when they stop, the socket reconnects', async () => {
  let answer = true;
  let pings = 0;
  const server = await startServer((ws) => {
    ws.on('message', (data) => {
      if (String(data) !== 'ping') return;
      pings++;
      if (answer) ws.send('pong');
    });
  });
  const c = client({ url: server.url, heartbeat: { intervalMs: 15, timeoutMs: 60, ping: 'ping' } });
  try {
    c.ws.start();
    await until(() => pings >= 4, 'four text pings');
    assert.deepEqual(c.messages, [], 'pongs are not delivered as messages');
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'open']);
    answer = false;
    await until(() => c.states.some((s) => s.state === 'reconnecting'), 'reconnect after missing pongs');
    assert.match(c.states.find((s) => s.state === 'reconnecting')?.reason ?? '', /no pong within 60 ms/);
  } finally {
    c.ws.close();
    await server.close();
  }
});

test('the decode hook inflates raw-deflate binary frames (BitMart) and may drop frames', async () => {
  // Test vector from the BitMart notes: raw DEFLATE of a spot/ticker push.
  const vector = Buffer.from(
    'q1YqSUzKSVWyUiouyC/RL8lMzk4tUtJRSkksSVSyiq5WKq7MTcrPAco7hTjHhwa7hAAlcxKLS+ILijKTQfqMTQ0MDPQMDIDiucXxJUpWhuYGlgZGJmamRpZm5rWxtQA=',
    'base64',
  );
  const server = await startServer((ws) => {
    ws.send(vector, { binary: true });
    ws.send(deflateRawSync(Buffer.from('{"table":"spot/depth5","data":[]}')), { binary: true });
    ws.send('DROP ME');
    ws.send('{"event":"subscribe"}');
  });
  const c = client({
    url: server.url,
    decode: (data, isBinary) => {
      const text = isBinary ? inflateRawSync(data).toString('utf8') : data.toString('utf8');
      return text === 'DROP ME' ? undefined : text;
    },
  });
  try {
    c.ws.start();
    await until(() => c.messages.length === 3, 'three decoded messages');
    assert.deepEqual(c.messages, [
      '{"table":"spot/ticker","data":[{"symbol":"BTC_USDT","last_price":"35000.00","ms_t":1709024652967}]}',
      '{"table":"spot/depth5","data":[]}',
      '{"event":"subscribe"}',
    ]);
  } finally {
    c.ws.close();
    await server.close();
  }
});

test('maxLifetime rotation delivers a counter stream with no gap (and no duplicates with messageKey)', async () => {
  const subscribed = new Set<WebSocket>();
  let counter = 0;
  const server = await startServer((ws) => {
    ws.on('message', (data) => {
      if (String(data) !== 'sub') return;
      subscribed.add(ws);
      // a late ack: data already flows on the replacement while the old connection still delivers
      setTimeout(() => ws.send('subscribed'), 10);
    });
    ws.on('close', () => subscribed.delete(ws));
  });
  const ticker = setInterval(() => {
    counter++;
    for (const ws of subscribed) ws.send(String(counter));
  }, 2);
  const onOpen: ReconnectingWebSocketOptions['onOpen'] = async (conn) => {
    conn.send('sub');
    await conn.waitFor((m) => m === 'subscribed', 2000);
  };
  const keyed = client({ url: server.url, maxLifetimeMs: 80, onOpen, messageKey: (m) => (m === 'subscribed' ? undefined : m) });
  const plain = client({ url: server.url, maxLifetimeMs: 80, onOpen });
  const numbers = (messages: string[]): number[] => messages.filter((m) => m !== 'subscribed').map(Number);
  try {
    keyed.ws.start();
    plain.ws.start();
    await until(() => keyed.opens.filter((o) => o.rotated).length >= 3 && plain.opens.filter((o) => o.rotated).length >= 3, 'three rotations each');
    const target = counter + 10;
    await until(() => numbers(keyed.messages).includes(target) && numbers(plain.messages).includes(target), 'messages after the last rotation');
    clearInterval(ticker);

    const exact = numbers(keyed.messages);
    for (let i = 1; i < exact.length; i++) assert.equal(exact[i], exact[i - 1]! + 1, `keyed stream: ${exact[i - 1]} followed by ${exact[i]}`);

    assert.ok(numbers(plain.messages).length > new Set(numbers(plain.messages)).size, 'without messageKey the overlap is delivered twice');
    const seen = [...new Set(numbers(plain.messages))].sort((a, b) => a - b);
    for (let i = 1; i < seen.length; i++) assert.equal(seen[i], seen[i - 1]! + 1, `plain stream misses numbers after ${seen[i - 1]}`);

    for (const c of [keyed, plain]) {
      assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'open'], 'a rotation is not a disconnect');
      assert.ok(c.onOpenCalls.slice(1).every((info) => info.reconnect && info.rotated));
    }
    await until(() => server.wss.clients.size === 2, 'old connections closed after each switch');
  } finally {
    clearInterval(ticker);
    keyed.ws.close();
    plain.ws.close();
    await server.close();
  }
});

test('the URL function is retried after failed attempts, with error events', async () => {
  const server = await startServer();
  let calls = 0;
  const c = client({
    url: () => {
      calls++;
      if (calls === 1) throw new Error('listenKey request failed');
      // second attempt: a port with nothing listening
      return calls === 2 ? 'ws://127.0.0.1:1' : server.url;
    },
  });
  const errors: string[] = [];
  c.ws.events.on('error', (e) => errors.push(`${e.code}: ${e.message}`));
  try {
    c.ws.start();
    await until(() => c.opens.length === 1, 'open on the third attempt');
    assert.equal(calls, 3);
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /^NETWORK: .*listenKey request failed/);
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'open']);
  } finally {
    c.ws.close();
    await server.close();
  }
});

test('close() is idempotent and stops reconnecting', async () => {
  const server = await startServer();
  const c = client({ url: server.url });
  try {
    c.ws.start();
    await until(() => c.opens.length === 1, 'open');
    c.ws.close();
    c.ws.close();
    await until(() => server.wss.clients.size === 0, 'server saw the close');
    await sleep(100); // several back-off periods: nothing may reconnect
    assert.equal(server.sockets.length, 1);
    assert.deepEqual(c.states.map((s) => s.state), ['connecting', 'open', 'closed']);
    assert.throws(() => c.ws.send('x'), (e: unknown) => isEngineError(e, 'NETWORK'));
    c.ws.forceReconnect('ignored after close');
    c.ws.start();
    await sleep(30);
    assert.equal(server.sockets.length, 1);
  } finally {
    c.ws.close();
    await server.close();
  }
});

/** A socket that fails to connect, for back-off arithmetic on a simulated clock. */
class FailingSocket extends EventEmitter {
  readyState: number = WebSocket.CONNECTING;
  constructor(clock: SimClock) {
    super();
    clock.setTimeout(() => this.terminate(), 0);
  }
  terminate(): void {
    if (this.readyState === WebSocket.CLOSED) return;
    this.readyState = WebSocket.CLOSED;
    this.emit('error', new Error('ECONNREFUSED'));
    this.emit('close', 1006, Buffer.alloc(0));
  }
  close(): void {
    this.terminate();
  }
}

test('reconnect delays back off exponentially with bounded jitter up to the maximum', async () => {
  const clock = new SimClock(0);
  const attempts: number[] = [];
  const ws = new ReconnectingWebSocket({
    url: 'ws://127.0.0.1:9',
    clock,
    rng: new Rng('backoff'),
    name: 'backoff',
    backoff: { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.3 },
    createSocket: () => {
      attempts.push(clock.now());
      return new FailingSocket(clock) as unknown as WebSocket;
    },
  });
  ws.start();
  await clock.runUntil(200_000);
  ws.close();
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
  assert.ok(gaps.length >= 9, `only ${gaps.length} retries`);
  gaps.forEach((gap, i) => {
    const base = Math.min(30_000, 500 * 2 ** i);
    assert.ok(gap >= base * 0.7 && gap <= Math.min(30_000, base * 1.3), `retry ${i}: ${gap} ms for a base of ${base} ms`);
  });
  assert.ok(gaps.slice(0, 5).some((gap, i) => gap !== 500 * 2 ** i), 'jitter applied');
  assert.ok(gaps.at(-1)! >= 21_000, 'reached the cap');
});
