import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock } from '@mm/core';
import { RateLimiter } from '@mm/exchange';
import { DEFAULT_LIMITS, observeRateHeaders, poolName, poolsFrom } from './rate-limits.ts';

test('exchangeInfo limits become pools named like the usage headers', () => {
  assert.equal(poolName({ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1 }), 'REQUEST_WEIGHT_1M');
  assert.equal(poolName({ rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10 }), 'ORDERS_10S');
  const pools = poolsFrom([{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 600 }], 'futures');
  const weight = pools.find((p) => p.name === 'REQUEST_WEIGHT_1M')!;
  assert.equal(weight.limit, 600, 'the venue figure wins over the default');
  assert.equal(weight.intervalMs, 60_000);
  assert.ok(pools.some((p) => p.name === 'ORDERS_10S' && p.limit === 300), 'a pool the venue omits keeps its default');
});

test('X-MBX-USED-WEIGHT-1M and X-MBX-ORDER-COUNT-* raise our usage estimate', () => {
  const clock = new SimClock(0);
  const limiter = new RateLimiter({ clock, pools: poolsFrom(DEFAULT_LIMITS.futures, 'futures') });
  observeRateHeaders({ 'x-mbx-used-weight-1m': '1500', 'x-mbx-order-count-10s': '42', 'content-type': 'application/json' }, limiter);
  const usage = Object.fromEntries(limiter.snapshot().pools.map((p) => [p.name, p.used]));
  assert.equal(usage['REQUEST_WEIGHT_1M'], 1500);
  assert.equal(usage['ORDERS_10S'], 42);
  assert.equal(usage['ORDERS_1M'], 0);
});
