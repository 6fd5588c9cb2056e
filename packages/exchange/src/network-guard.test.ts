// `npm test` preloads scripts/test-network-guard.mjs into every test process: a connection to
// anything but the loopback interface fails, whatever library opens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

function attempt(open: () => ReturnType<typeof connect>): Promise<string> {
  return new Promise((resolve) => {
    const socket = open();
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

test('a connection to a real host is refused before it leaves; loopback works', { skip: process.env.NODE_ENV !== 'test' && 'run through npm test' }, async () => {
  assert.match(await attempt(() => connect(443, 'fapi.asterdex.com')), /tests may not reach a real host: connection to fapi\.asterdex\.com/);
  assert.match(await attempt(() => connect({ host: '93.184.215.14', port: 80 })), /tests may not reach a real host/);
  await assert.rejects(fetch('https://api-cloud.bitmart.com/system/time'), (error: Error) => /real host/.test(String((error.cause as Error | undefined)?.message ?? error.message)));
  const server = createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    assert.equal(await attempt(() => connect((server.address() as AddressInfo).port, '127.0.0.1')), 'connected');
  } finally {
    server.close();
  }
});
