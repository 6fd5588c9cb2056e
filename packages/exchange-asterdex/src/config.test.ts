import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveClock, Rng } from '@mm/core';
import { ASTER_FAMILIES, ASTER_MARKETS, allEnvVarNames, checkCredentials, isLoopback, resolveConnection } from './config.ts';
import { AsterPerpAdapter } from './adapter-perp.ts';

const v1 = { apiKey: 'k', apiSecret: 's' };

test('test mode refuses to fall back to the real hosts', () => {
  assert.throws(() => resolveConnection({ market: 'futures', family: 'v1', env: { NODE_ENV: 'test' } }), (e: { code?: string; message: string }) => {
    assert.equal(e.code, 'INVALID_CONFIG');
    assert.match(e.message, /ASTERDEX_FUTURES_V1_REST_URL/);
    return true;
  });
  assert.throws(
    () => new AsterPerpAdapter({ family: 'v1', credentials: v1, clock: new LiveClock(), rng: new Rng(1), env: { NODE_ENV: 'test' } }),
    (e: { code?: string }) => e.code === 'INVALID_CONFIG',
  );
});

test('test mode accepts loopback URLs only', () => {
  const urls = { rest: 'https://fapi.asterdex.com', ws: 'ws://127.0.0.1:1' };
  assert.throws(() => resolveConnection({ market: 'futures', family: 'v3', urls, env: { NODE_ENV: 'test' } }), (e: { code?: string }) => e.code === 'INVALID_CONFIG');
  const ok = resolveConnection({ market: 'spot', family: 'v1', urls: { rest: 'http://127.0.0.1:8080/', ws: 'ws://localhost:8081' }, env: { NODE_ENV: 'test' } });
  assert.equal(ok.restUrl, 'http://127.0.0.1:8080');
  assert.ok(isLoopback(ok.wsUrl));
});

test('environment variables, most specific first; network defaults outside test mode', () => {
  const env = {
    ASTERDEX_FUTURES_REST_URL: 'http://127.0.0.1:1',
    ASTERDEX_FUTURES_V3_REST_URL: 'http://127.0.0.1:3',
    ASTERDEX_FUTURES_WS_URL: 'ws://127.0.0.1:2',
  };
  const v3 = resolveConnection({ market: 'futures', family: 'v3', env: { ...env, NODE_ENV: 'test' } });
  assert.equal(v3.restUrl, 'http://127.0.0.1:3');
  assert.equal(v3.wsUrl, 'ws://127.0.0.1:2');
  assert.equal(resolveConnection({ market: 'futures', family: 'v1', env: { ...env, NODE_ENV: 'test' } }).restUrl, 'http://127.0.0.1:1');
  const main = resolveConnection({ market: 'spot', family: 'v3', env: {} });
  assert.equal(main.restUrl, 'https://sapi.asterdex.com');
  assert.equal(main.wsUrl, 'wss://sstream.asterdex.com');
  assert.equal(main.chainId, 1666);
  const testnet = resolveConnection({ market: 'futures', family: 'v3', env: { ASTERDEX_NETWORK: 'testnet' } });
  assert.equal(testnet.restUrl, 'https://fapi.asterdex-testnet.com');
  assert.equal(testnet.chainId, 714);
  assert.throws(() => resolveConnection({ market: 'spot', family: 'v1', urls: { rest: 'ftp://x', ws: 'wss://x' }, env: {} }), (e: { code?: string }) => e.code === 'INVALID_CONFIG');
});

test('credentials must fit the family', () => {
  const key = '0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1';
  const good = { user: '0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e', signer: '0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0', signerPrivateKey: key };
  checkCredentials('v3', good);
  checkCredentials('v1', v1);
  const fails = (fn: () => void): void => assert.throws(fn, (e: { code?: string }) => e.code === 'INVALID_CONFIG');
  fails(() => checkCredentials('v1', good));
  fails(() => checkCredentials('v3', v1));
  fails(() => checkCredentials('v1', { apiKey: '', apiSecret: 's' }));
  fails(() => checkCredentials('v3', { ...good, signer: good.user }));
  fails(() => checkCredentials('v3', { ...good, user: 'nope' }));
});

test('allEnvVarNames names every variable the connection settings read', () => {
  const read = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, key) {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  for (const market of ASTER_MARKETS) for (const family of ASTER_FAMILIES) resolveConnection({ market, family, env });
  read.delete('NODE_ENV');
  assert.deepEqual([...read].sort(), allEnvVarNames());
  assert.equal(allEnvVarNames().length, 13);
  assert.ok(allEnvVarNames().includes('ASTERDEX_FUTURES_V3_WS_URL'));
});
