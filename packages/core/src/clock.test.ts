import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimClock, LiveClock } from './clock.ts';

test('SimClock runs timers in time order, ties in scheduling order', async () => {
  const clock = new SimClock(1000);
  const seen: string[] = [];
  clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
  clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
  clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
  await clock.runUntil(1015);
  assert.deepEqual(seen, ['a@1010']);
  assert.equal(clock.now(), 1015);
  await clock.runAll();
  assert.deepEqual(seen, ['a@1010', 'b@1020', 'c@1020']);
});

test('SimClock intervals repeat until cleared, and clearing from inside the callback works', async () => {
  const clock = new SimClock(0);
  const times: number[] = [];
  const handle = clock.setInterval(() => {
    times.push(clock.now());
    if (times.length === 3) clock.clearTimer(handle);
  }, 100);
  await clock.runUntil(1000);
  assert.deepEqual(times, [100, 200, 300]);
  assert.equal(clock.pendingTimers, 0);
});

test('SimClock lets awaited work finish before time moves on', async () => {
  const clock = new SimClock(0);
  const actions: string[] = [];
  // A "bot" that awaits twice inside a callback, then schedules something relative to now.
  clock.setTimeout(() => {
    void (async () => {
      await Promise.resolve();
      await Promise.resolve();
      actions.push(`decided@${clock.now()}`);
      clock.setTimeout(() => actions.push(`acted@${clock.now()}`), 5);
    })();
  }, 10);
  clock.setTimeout(() => actions.push(`other@${clock.now()}`), 12, { pure: true });
  await clock.runAll();
  assert.deepEqual(actions, ['decided@10', 'other@12', 'acted@15']);
});

test('SimClock.sleep resolves at the simulated time', async () => {
  const clock = new SimClock(0);
  let wokeAt = -1;
  const sleeper = (async () => {
    await clock.sleep(250);
    wokeAt = clock.now();
  })();
  await clock.runAll();
  await sleeper;
  assert.equal(wokeAt, 250);
});

test('cleared one-shot timers never run', async () => {
  const clock = new SimClock(0);
  let ran = false;
  const h = clock.setTimeout(() => {
    ran = true;
  }, 10);
  clock.clearTimer(h);
  await clock.runAll();
  assert.equal(ran, false);
  assert.equal(clock.nextEventTime(), undefined);
});

test('LiveClock tracks and clears real timers', async () => {
  const clock = new LiveClock();
  let ran = 0;
  const h = clock.setTimeout(() => ran++, 5);
  clock.clearTimer(h);
  await clock.sleep(15);
  assert.equal(ran, 0);
  assert.equal(clock.pendingTimers, 0);
});

test('SimClock time stays in whole milliseconds whatever the delays', async () => {
  const clock = new SimClock(1000.7);
  assert.equal(clock.now(), 1000);
  const times: number[] = [];
  clock.setTimeout(() => times.push(clock.now()), 2.3);
  clock.setTimeout(() => times.push(clock.now()), 0.1);
  await clock.runUntil(1010.9);
  assert.deepEqual(times, [1001, 1003]);
  assert.equal(clock.now(), 1010);
});
