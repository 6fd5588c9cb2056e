import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCredentials, DEFAULT_URLS, resolveUrls } from './config.ts';

test('base URLs: account setting, then environment, then the documented defaults', () => {
  assert.deepEqual(resolveUrls({}, {}), DEFAULT_URLS);
  const env = { BITMART_REST_URL: 'https://api-cloud.bitmart.news/', BITMART_WS_PUBLIC_URL: 'wss://ws-manager-compress.bitmart.news/api?protocol=1.1' };
  const fromEnv = resolveUrls({}, env);
  assert.equal(fromEnv.rest, 'https://api-cloud.bitmart.news');
  assert.equal(fromEnv.publicWs, env.BITMART_WS_PUBLIC_URL);
  assert.equal(fromEnv.privateWs, DEFAULT_URLS.privateWs);
  assert.equal(resolveUrls({ rest: 'http://127.0.0.1:9' }, env).rest, 'http://127.0.0.1:9');
});

test('malformed URLs are refused with INVALID_CONFIG naming the variable', () => {
  assert.throws(() => resolveUrls({}, { BITMART_REST_URL: 'not a url' }), (e: { code?: string; message?: string }) => e.code === 'INVALID_CONFIG' && /BITMART_REST_URL/.test(e.message ?? ''));
  assert.throws(() => resolveUrls({ publicWs: 'https://x.example' }, {}), (e: { code?: string }) => e.code === 'INVALID_CONFIG');
});

test('credentials must have key, secret and memo', () => {
  assert.throws(
    () => checkCredentials({ apiKey: 'k', apiSecret: 's', memo: ' ' }),
    (e: { code?: string; message?: string }) => e.code === 'INVALID_CONFIG' && /memo/.test(e.message ?? ''),
  );
  assert.doesNotThrow(() => checkCredentials({ apiKey: 'k', apiSecret: 's', memo: 'm' }));
});
