import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, SimClock } from '@mm/core';
import { DeadManWatchdog } from './watchdog.ts';
import type { WatchdogFired } from './watchdog.ts';

function setup(fail = 0): { clock: SimClock; watchdog: DeadManWatchdog; cancels: string[]; fired: WatchdogFired[] } {
  const clock = new SimClock(0);
  const cancels: string[] = [];
  const fired: WatchdogFired[] = [];
  let failures = fail;
  const watchdog = new DeadManWatchdog({
    clock,
    cancelAll: async (symbol) => {
      cancels.push(`${symbol}@${clock.now()}`);
      if (failures-- > 0) throw new EngineError('NETWORK', 'down');
    },
    onFired: (e) => fired.push(e),
    retryMs: 500,
  });
  return { clock, watchdog, cancels, fired };
}

test('refreshed in time: nothing happens; refreshes stop: cancel-all on that symbol and a report', async () => {
  const { clock, watchdog, cancels, fired } = setup();
  watchdog.arm('BTC_USDT', 1000);
  await clock.advance(800);
  watchdog.arm('BTC_USDT', 1000);
  await clock.advance(800);
  watchdog.arm('BTC_USDT', 1000);
  await clock.advance(800);
  assert.deepEqual(cancels, []);
  assert.ok(watchdog.isArmed('BTC_USDT'));
  await clock.advance(300);
  assert.deepEqual(cancels, ['BTC_USDT@2600']);
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.error, undefined);
  assert.ok(!watchdog.isArmed('BTC_USDT'));
});

test('disarm (0) and close stop the timer', async () => {
  const { clock, watchdog, cancels } = setup();
  watchdog.arm('A', 100);
  watchdog.arm('B', 100);
  watchdog.arm('A', 0);
  watchdog.close();
  await clock.advance(1000);
  assert.deepEqual(cancels, []);
});

test('a failed cancel-all is reported and retried until it succeeds', async () => {
  const { clock, watchdog, cancels, fired } = setup(2);
  watchdog.arm('BTC_USDT', 100);
  await clock.advance(2000);
  assert.deepEqual(cancels, ['BTC_USDT@100', 'BTC_USDT@600', 'BTC_USDT@1100']);
  assert.deepEqual(
    fired.map((f) => [f.attempt, f.error === undefined]),
    [
      [1, false],
      [2, false],
      [3, true],
    ],
  );
});

test('re-arming after a failed fire stops the retries (the engine is back)', async () => {
  const { clock, watchdog, cancels } = setup(10);
  watchdog.arm('BTC_USDT', 100);
  await clock.advance(150);
  watchdog.arm('BTC_USDT', 10_000);
  await clock.advance(3000);
  assert.deepEqual(cancels, ['BTC_USDT@100']);
});
