// The margin refresh's coalescing on a simulated clock: how many REST calls a burst costs, that
// failures are reported and not thrown, and that a stopped refresh stays silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, fx } from '@mm/core';
import type { MarginSummary } from '@mm/core';
import { MarginRefresh } from './margin-refresh.ts';

function setup(intervalMs = 1_000, fetchMs = 100) {
  const clock = new SimClock(0);
  const calls: number[] = [];
  const emitted: MarginSummary[] = [];
  const errors: unknown[] = [];
  let fail = false;
  const refresh = new MarginRefresh({
    clock,
    intervalMs,
    fetch: async () => {
      calls.push(clock.now());
      await clock.sleep(fetchMs);
      if (fail) throw new Error('HTTP 503');
      return { asset: 'USDT', walletBalance: fx.fromInt(calls.length), marginBalance: fx.fromInt(calls.length), maintenanceMargin: 0n, initialMargin: 0n, availableBalance: 0n, updatedAt: clock.now() };
    },
    emit: (m) => emitted.push(m),
    onError: (e) => errors.push(e),
  });
  refresh.start();
  return { clock, refresh, calls, emitted, errors, failNext: (on: boolean) => (fail = on) };
}

test('a burst of 20 requests costs one refresh now and one at the end, never two at once', async () => {
  const { clock, refresh, calls, emitted } = setup();
  for (let i = 0; i < 20; i++) refresh.request();
  await clock.runUntil(50);
  assert.deepEqual(calls, [0], 'one refresh in flight for the whole burst');
  // more updates while it is in flight and shortly after: one trailing refresh, an interval later
  for (let i = 0; i < 20; i++) {
    refresh.request();
    await clock.runUntil(clock.now() + 30);
  }
  await clock.runUntil(5_000);
  assert.deepEqual(calls, [0, 1_000]);
  assert.equal(emitted.length, 2);
  assert.equal(emitted.at(-1)!.marginBalance, fx.fromInt(2), 'the last answer is the one reported last');
  assert.equal(refresh.started, 2);
});

test('a quiet account is not polled; a lone update after a pause refreshes at once', async () => {
  const { clock, refresh, calls } = setup();
  refresh.request();
  await clock.runUntil(10_000);
  refresh.request();
  await clock.runUntil(20_000);
  assert.deepEqual(calls, [0, 10_000]);
});

test('a failed refresh is reported, not thrown, and the next request tries again', async () => {
  const { clock, refresh, calls, emitted, errors, failNext } = setup();
  failNext(true);
  refresh.request();
  await clock.runUntil(500);
  assert.equal(errors.length, 1);
  assert.equal(emitted.length, 0);
  failNext(false);
  refresh.request();
  await clock.runUntil(3_000);
  assert.deepEqual(calls, [0, 1_000]);
  assert.equal(emitted.length, 1);
});

test('stopped: queued requests are dropped and an answer on its way is discarded', async () => {
  const { clock, refresh, calls, emitted } = setup();
  refresh.request();
  await clock.runUntil(10);
  refresh.request();
  refresh.stop();
  refresh.request();
  await clock.runUntil(5_000);
  assert.deepEqual(calls, [0]);
  assert.equal(emitted.length, 0);
});
