import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSpec } from '@mm/exchange';
import { FUTURES_V1_ENDPOINTS } from '../endpoints/futures-v1.ts';
import { FUTURES_V3_ENDPOINTS } from '../endpoints/futures-v3.ts';
import { recoverSigner } from './eip712.ts';
import { MicrosecondNonce } from './nonce.ts';
import { v1Signer, v3Signer } from './request.ts';

const spec = (table: readonly EndpointSpec[], id: string): EndpointSpec => table.find((s) => s.id === id)!;

test('V1: the wire text is the doc vector, signature last, key in the header', async () => {
  const sign = v1Signer({
    credentials: { apiKey: 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83', apiSecret: '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9' },
    serverNow: () => 1591702613943,
  });
  const signed = await sign(spec(FUTURES_V1_ENDPOINTS, 'newOrder'), { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '1', price: '9000', timeInForce: 'GTC' });
  assert.equal(signed.query, undefined, 'POST parameters travel in the body');
  assert.equal(
    signed.body,
    'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9',
  );
  assert.equal(signed.headers?.['X-MBX-APIKEY'], 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83');
  const get = await sign(spec(FUTURES_V1_ENDPOINTS, 'balance'), {});
  assert.equal(get.query, 'recvWindow=5000&timestamp=1591702613943&signature=5581570ecf76b9b74c6f1a66ef6520c2959a75c32641affb2634d655d6e64db8');
  const publicCall = await sign(spec(FUTURES_V1_ENDPOINTS, 'depth'), { symbol: 'BTCUSDT', limit: 5 });
  assert.equal(publicCall.query, 'symbol=BTCUSDT&limit=5');
  assert.equal(publicCall.headers?.['X-MBX-APIKEY'], undefined, 'public data carries no key');
  const keyed = await sign(spec(FUTURES_V1_ENDPOINTS, 'listenKeyCreate'), {});
  assert.ok(keyed.headers?.['X-MBX-APIKEY'] !== undefined && keyed.body === undefined, 'USER_STREAM: key only, no signature');
});

test('V1: batch JSON uses double quotes and is percent-encoded', async () => {
  const sign = v1Signer({ credentials: { apiKey: 'k', apiSecret: 's' }, serverNow: () => 1 });
  const signed = await sign(spec(FUTURES_V1_ENDPOINTS, 'batchOrders'), { batchOrders: [{ symbol: 'A', side: 'BUY' }] });
  assert.ok(signed.body?.startsWith('batchOrders=%5B%7B%22symbol%22%3A%22A%22'), signed.body);
});

test('V3: nonce, user and signer are appended and signed; the text recovers to the signer', async () => {
  const credentials = {
    user: '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e',
    signer: '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0',
    signerPrivateKey: '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1',
  };
  const sign = v3Signer({ credentials, nonce: new MicrosecondNonce(), serverNow: () => 1748310859508.867, chainId: 1666 });
  const signed = await sign(spec(FUTURES_V3_ENDPOINTS, 'newOrder'), { symbol: 'ASTERUSDT', type: 'LIMIT', side: 'BUY', timeInForce: 'GTC', quantity: '20', price: '0.5' });
  const body = signed.body!;
  const [msg, signature] = body.split('&signature=') as [string, string];
  assert.equal(msg, `symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508000&user=${credentials.user}&signer=${credentials.signer}`);
  assert.equal(recoverSigner(msg, signature, 1666), credentials.signer);
  assert.equal(signed.headers?.['X-MBX-APIKEY'], undefined, 'V3 sends no API key header');
  // market data needs no auth in V3
  const depth = await sign(spec(FUTURES_V3_ENDPOINTS, 'depth'), { symbol: 'ASTERUSDT' });
  assert.equal(depth.query, 'symbol=ASTERUSDT');
  // batch JSON: single quotes, encoded as %27 like the official demo
  const batch = await sign(spec(FUTURES_V3_ENDPOINTS, 'batchOrders'), { batchOrders: [{ symbol: 'A' }] });
  assert.ok(batch.body?.startsWith('batchOrders=%5B%7B%27symbol%27%3A%27A%27%7D%5D&nonce='), batch.body);
  // guarded cancels reuse the original nonce
  const guarded = await sign(spec(FUTURES_V3_ENDPOINTS, 'guardedCancelOrder'), { symbol: 'A', orderId: 7, nonce: 123 });
  assert.ok(guarded.body?.startsWith('symbol=A&orderId=7&nonce=123&user='), guarded.body);
  // consecutive nonces never repeat
  const a = (await sign(spec(FUTURES_V3_ENDPOINTS, 'balance'), {})).query!;
  const b = (await sign(spec(FUTURES_V3_ENDPOINTS, 'balance'), {})).query!;
  assert.notEqual(/nonce=(\d+)/.exec(a)![1], /nonce=(\d+)/.exec(b)![1]);
});
