// The seams installed on a real ccxt.pro instance (the aster class), against a local socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { LiveClock } from '@mm/core';
import { loadCcxt } from './ccxt-loader.ts';
import { createExchange } from './exchange-config.ts';
import { ExchangeHooks } from './exchange-hooks.ts';
import { FeeGuard } from './fee-guard.ts';
import { profileFor } from './profiles.ts';

/** A WebSocket endpoint that completes the handshake and closes at once (RFC 6455 close frame 1000). */
async function closingSocketServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req, socket) => {
    sockets.add(socket);
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/ws`, close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

test('a socket that closes while ccxt waits for its rate limiter to send a subscription leaves no unhandled rejection', async () => {
  const server = await closingSocketServer();
  const ccxt = await loadCcxt();
  const ex = createExchange(ccxt, { exchangeId: 'aster', credentials: {} }, profileFor('aster'));
  new ExchangeHooks(new LiveClock()).install(ex, new FeeGuard({ venue: 'aster', submittingClientIds: () => undefined }), {
    onSocketOpen: () => {},
    onSocketClose: () => {},
    onStreamOrder: () => {},
    onStreamTrade: () => {},
  });
  await ex.loadHttpProxyAgent?.();
  // the limiter holds the subscribe message until the server's close has arrived
  const client = ex.client(server.url);
  client.throttle = () => new Promise((resolve) => setTimeout(resolve, 150));
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const watch = (ex as unknown as { watch(url: string, hash: string, message: unknown, subscribeHash: string): Promise<unknown> }).watch;
    const watching = watch.call(ex, server.url, 'book', { method: 'SUBSCRIBE', params: ['confusdc@depth'] }, 'book').then(
      () => 'resolved',
      (error: unknown) => `rejected: ${error instanceof Error ? error.message : String(error)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(unhandled.map(String), [], 'no unhandled rejection');
    // the watcher itself learns that the socket went away
    assert.match(await watching, /^rejected: /);
    // a caller that awaits a send on the closed socket still gets the failure
    await assert.rejects(client.send({ method: 'PING' }) as Promise<unknown>);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await ex.close();
    await server.close();
  }
});
