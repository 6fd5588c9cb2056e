import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign, signaturesEqual, signedHeaders, wsLoginArgs } from './signing.ts';

// Catalogue §2.4: the official example key and the six reference vectors.
const SECRET = '6c6c98544461bbe71db2bca4c6d7fd0021e0ba9efc215f9c6ad41852df9d9df9';
const CREDS = { apiKey: '80618e45710812162b04892c7ee5ead4a3cc3e56', apiSecret: SECRET, memo: 'test001' };

const VECTORS: readonly [name: string, timestamp: string, payload: string, expected: string][] = [
  ['V1 POST body (DOC)', '1589793796145', '{"symbol":"BTC_USDT","price":"8600","count":"100"}', 'c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d'],
  ['V2 WebSocket login (DOC)', '1589267764859', 'bitmart.WebSocket', '3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556'],
  ['V3 GET query string', '1589267764859', 'contract_id=1&category=1', '6d5e774446448073f68e99c28ace86503451bed1fd44e43f80b9b518937c4ef1'],
  ['V4 GET empty payload', '1589267764859', '', '57003b60d4cc61e573fee33fbe11a4fe7682922de9b4cb61c134661d48e9ac86'],
  [
    'V5 v2 submit_order post-only',
    '1589267764859',
    '{"symbol":"BTC_USDT","side":"buy","type":"limit_maker","size":"0.001","price":"60000","client_order_id":"mm0001"}',
    '8b070933ef019f01dfaa70b30ba7fc502df392ee57daf470964937f10b61a8a6',
  ],
  [
    'V6 v4 batch_orders',
    '1589267764859',
    '{"symbol":"BTC_USDT","orderParams":[{"side":"buy","type":"limit_maker","size":"0.001","price":"60000","clientOrderId":"mmb1"},{"side":"sell","type":"limit_maker","size":"0.001","price":"60100","clientOrderId":"mms1"}],"recvWindow":5000}',
    'dd30bd846365061064f6368dfc6b4984611e5899540ec051fc0a78336ab1608f',
  ],
];

for (const [name, timestamp, payload, expected] of VECTORS) {
  test(`signature reference vector ${name}`, () => {
    assert.equal(sign(SECRET, timestamp, 'test001', payload), expected);
  });
}

test('signed headers carry key, timestamp and the signature of the exact body', () => {
  const body = '{"symbol":"BTC_USDT","price":"8600","count":"100"}';
  const headers = signedHeaders(CREDS, 1589793796145, body);
  assert.deepEqual(headers, {
    'X-BM-KEY': CREDS.apiKey,
    'X-BM-TIMESTAMP': '1589793796145',
    'X-BM-SIGN': 'c31dc326bf87f38bfb49a3f8494961abfa291bd549d0d98d9578e87516cee46d',
  });
  // one byte of whitespace changes the signature: the body must be signed as sent
  assert.notEqual(signedHeaders(CREDS, 1589793796145, body.replace(':', ': '))['X-BM-SIGN'], headers['X-BM-SIGN']);
});

test('WebSocket login args are key, timestamp string and the V2 signature', () => {
  assert.deepEqual(wsLoginArgs(CREDS, 1589267764859), [CREDS.apiKey, '1589267764859', '3ceeb7e1b8cb165a975e28a2e2dfaca4d30b358873c0351c1a071d8c83314556']);
});

test('signature comparison is exact', () => {
  assert.ok(signaturesEqual('abc', 'abc'));
  assert.ok(!signaturesEqual('abc', 'abd'));
  assert.ok(!signaturesEqual('abc', 'abcd'));
});
