// Aster signs with nonce = milliseconds × 1000 in ccxt; requests signed in one millisecond must
// still carry distinct nonces, or the venue refuses the second as "nonce duplicated".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CcxtExchange } from './ccxt-types.ts';
import { loadCcxt } from './ccxt-loader.ts';
import { createExchange, giveEachSignatureItsOwnMillisecond } from './exchange-config.ts';
import { profileFor } from './profiles.ts';
import { TEST_WALLET_KEY } from '../test-support/harness.ts';

test('signatures within one millisecond get distinct, increasing nonces; outside a signature the clock is untouched', () => {
  let wallClock = 1_000;
  // signs the way ccxt's aster class does: nonce = milliseconds() * 1000
  const fake = { milliseconds: () => wallClock, sign: function (this: { milliseconds(): number }) { return this.milliseconds() * 1000; } };
  giveEachSignatureItsOwnMillisecond(fake as unknown as CcxtExchange);
  const sign = () => (fake.sign as () => number).call(fake);
  assert.deepEqual([sign(), sign(), sign()], [1_000_000, 1_001_000, 1_002_000]);
  assert.equal(fake.milliseconds(), 1_000, 'the clock itself did not move');
  wallClock = 5_000;
  assert.equal(sign(), 5_000_000, 'back on the real clock once it has passed the burst');
});

test('on a real ccxt aster instance, signed requests carry increasing nonces', async () => {
  const ccxt = await loadCcxt();
  const aster = createExchange(ccxt, { exchangeId: 'aster', credentials: { privateKey: TEST_WALLET_KEY } }, profileFor('aster')) as unknown as {
    sign(path: string, api: string, method: string, params: Record<string, unknown>): { url: string; body?: string };
  };
  const nonces = [0, 1].map((i) => {
    const signed = aster.sign('v3/order', 'sapiPrivate', 'POST', { symbol: 'CONFUSDC', newClientOrderId: `c${i}` });
    return Number(new URLSearchParams(`${signed.url.split('?')[1] ?? ''}&${signed.body ?? ''}`).get('nonce'));
  });
  assert.ok(nonces[1]! > nonces[0]! && nonces[0]! > 0, `nonces ${nonces.join(', ')}`);
  assert.equal(profileFor('mexc').uniqueNonceMs, undefined, 'venues without the quirk sign with ccxt untouched');
});
