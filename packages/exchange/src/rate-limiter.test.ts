import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, SimClock, isEngineError } from '@mm/core';
import { RateLimiter } from './rate-limiter.ts';
import type { Priority } from './rate-limiter.ts';

const T0 = Date.UTC(2026, 0, 1);

function limiter(clock: SimClock, limit = 10, intervalMs = 1000, safetyMargin = 0): RateLimiter {
  return new RateLimiter({ clock, name: 'test', safetyMargin, pools: [{ name: 'W', limit, intervalMs }] });
}

/** Starts an acquire and records when (and in which order) it was granted or refused. */
function track(l: RateLimiter, clock: SimClock, label: string, cost: Record<string, number>, priority: Priority, log: string[]): Promise<unknown> {
  // the log entry is written in a promise continuation: let it run before simulated time moves
  clock.notifyAsyncWork();
  return l.acquire(cost, priority).then(
    () => log.push(`${label}@${clock.now() - T0}`),
    (error: unknown) => log.push(`${label}!${isEngineError(error) ? error.code : String(error)}`),
  );
}

test('requests within the budget go at once; the next waits until the window frees', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 10, 1000);
  const log: string[] = [];
  for (let i = 0; i < 4; i++) void track(l, clock, `r${i}`, { W: 3 }, 'normal', log);
  await clock.advance(0);
  assert.deepEqual(log, ['r0@0', 'r1@0', 'r2@0']);
  assert.equal(l.snapshot().pools[0]?.used, 9);
  assert.equal(l.snapshot().queued.normal, 1);
  await clock.advance(999);
  assert.equal(log.length, 3, 'still inside the window');
  await clock.advance(1);
  assert.deepEqual(log.at(-1), 'r3@1000');
});

test('the safety margin keeps usage below the limit', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 100, 1000, 0.05);
  const log: string[] = [];
  for (let i = 0; i < 100; i++) void track(l, clock, `r${i}`, { W: 1 }, 'normal', log);
  await clock.advance(0);
  assert.equal(log.length, 95);
  assert.equal(l.snapshot().pools[0]?.budget, 95);
});

test('higher priority goes first among waiters, FIFO within a priority', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 1, 100);
  const log: string[] = [];
  void track(l, clock, 'first', { W: 1 }, 'low', log);
  void track(l, clock, 'poll', { W: 1 }, 'low', log);
  void track(l, clock, 'query', { W: 1 }, 'normal', log);
  void track(l, clock, 'new1', { W: 1 }, 'high', log);
  void track(l, clock, 'cancel', { W: 1 }, 'critical', log);
  void track(l, clock, 'new2', { W: 1 }, 'high', log);
  await clock.runAll();
  assert.deepEqual(log, ['first@0', 'cancel@100', 'new1@200', 'new2@300', 'query@400', 'poll@500']);
});

test('a blocked waiter reserves its pool but does not hold up requests on other pools', async () => {
  const clock = new SimClock(T0);
  const l = new RateLimiter({
    clock,
    safetyMargin: 0,
    pools: [
      { name: 'orders', limit: 1, intervalMs: 1000 },
      { name: 'queries', limit: 5, intervalMs: 1000 },
    ],
  });
  const log: string[] = [];
  void track(l, clock, 'o1', { orders: 1 }, 'high', log);
  void track(l, clock, 'o2', { orders: 1 }, 'critical', log);
  void track(l, clock, 'lowOrder', { orders: 1 }, 'low', log);
  void track(l, clock, 'q', { queries: 1 }, 'low', log);
  await clock.advance(0);
  assert.deepEqual(log, ['o1@0', 'q@0']);
  await clock.runAll();
  assert.deepEqual(log, ['o1@0', 'q@0', 'o2@1000', 'lowOrder@2000']);
});

test('a request costing several pools waits for all of them', async () => {
  const clock = new SimClock(T0);
  const l = new RateLimiter({
    clock,
    safetyMargin: 0,
    pools: [
      { name: 'WEIGHT', limit: 100, intervalMs: 60_000 },
      { name: 'ORDERS_10S', limit: 2, intervalMs: 10_000 },
    ],
  });
  const log: string[] = [];
  for (let i = 0; i < 3; i++) void track(l, clock, `o${i}`, { WEIGHT: 1, ORDERS_10S: 1 }, 'high', log);
  await clock.runAll();
  assert.deepEqual(log, ['o0@0', 'o1@0', 'o2@10000']);
  assert.equal(l.snapshot().pools.find((p) => p.name === 'WEIGHT')?.used, 3);
});

test('unknown pools and costs above a limit are refused with INVALID_ARGUMENT', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 10);
  await assert.rejects(l.acquire({ NOPE: 1 }), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /NOPE/.test(e.message));
  await assert.rejects(l.acquire({ W: 11 }), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT') && /exceeds the limit/.test(e.message));
  await assert.rejects(l.acquire({ W: -1 }), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'));
});

test('a cost above the budget but within the limit goes into an empty window', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 20, 1000, 0.1);
  const log: string[] = [];
  void track(l, clock, 'small', { W: 1 }, 'normal', log);
  void track(l, clock, 'big', { W: 19 }, 'normal', log);
  await clock.runAll();
  assert.deepEqual(log, ['small@0', 'big@1000']);
});

test('venue usage headers raise the estimate and never get lowered by our own count', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 10, 1000);
  await l.acquire({ W: 1 });
  // Another process on the same IP used more than we did.
  l.observeUsed('W', 9, clock.now());
  assert.equal(l.snapshot().pools[0]?.used, 9);
  const log: string[] = [];
  void track(l, clock, 'a', { W: 1 }, 'normal', log);
  void track(l, clock, 'b', { W: 1 }, 'normal', log);
  await clock.advance(0);
  assert.deepEqual(log, ['a@0'], 'only one unit was left');
  assert.equal(l.snapshot().pools[0]?.used, 10);
  // A newer, lower report (the venue's window rolled) frees room, but never below our own count.
  l.observeUsed('W', 1, clock.now());
  await clock.advance(0);
  assert.deepEqual(log, ['a@0', 'b@0']);
  assert.equal(l.snapshot().pools[0]?.used, 3);
});

test('observeRemaining holds the venue budget until its reset time', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 40, 2000);
  l.observeRemaining('W', 0, clock.now() + 500);
  const log: string[] = [];
  void track(l, clock, 'a', { W: 1 }, 'normal', log);
  await clock.advance(499);
  assert.deepEqual(log, []);
  await clock.advance(1);
  assert.deepEqual(log, ['a@500']);
});

test('after a 429 nothing goes until the pause ends, then cancels go first', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 100, 1000);
  const log: string[] = [];
  assert.equal(l.onRateLimited(), 1000);
  void track(l, clock, 'poll', { W: 1 }, 'low', log);
  void track(l, clock, 'order', { W: 1 }, 'high', log);
  void track(l, clock, 'cancel', { W: 1 }, 'critical', log);
  assert.ok(l.snapshot().pausedUntil !== undefined);
  await clock.advance(999);
  assert.deepEqual(log, []);
  await clock.advance(1);
  assert.deepEqual(log, ['cancel@1000', 'order@1000', 'poll@1000']);
  assert.equal(l.snapshot().pausedUntil, undefined);
});

test('429 back-off doubles up to 60 s, honours Retry-After, and resets after a quiet period', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock);
  const pauses: number[] = [];
  for (let i = 0; i < 8; i++) pauses.push(l.onRateLimited());
  assert.deepEqual(pauses, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  assert.equal(l.onRateLimited(5000), 5000);
  await clock.advance(300_000);
  assert.equal(l.onRateLimited(), 1000);
});

test('after a 418 every acquire fails with IP_BANNED until the ban ends, then works again', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 1, 1000);
  const log: string[] = [];
  await l.acquire({ W: 1 });
  void track(l, clock, 'queued', { W: 1 }, 'critical', log);
  await clock.advance(0);
  assert.deepEqual(log, []);
  l.onBanned(clock.now() + 120_000);
  await clock.advance(0);
  assert.deepEqual(log, ['queued!IP_BANNED']);
  await assert.rejects(l.acquire({ W: 1 }, 'critical'), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.code, 'IP_BANNED');
    assert.match(e.message, /2026-01-01T00:02:00/);
    return true;
  });
  assert.equal(l.snapshot().queued.critical, 0, 'nothing is queued while banned');
  await clock.advance(120_000);
  assert.equal(l.snapshot().bannedUntil, undefined);
  await l.acquire({ W: 1 });
});

test('setPools replaces limits at runtime and keeps the history of surviving pools', async () => {
  const clock = new SimClock(T0);
  const l = limiter(clock, 4, 1000);
  await l.acquire({ W: 4 });
  const log: string[] = [];
  void track(l, clock, 'a', { W: 1 }, 'normal', log);
  void track(l, clock, 'b', { W: 4 }, 'normal', log);
  await clock.advance(0);
  assert.deepEqual(log, []);
  l.setPools([{ name: 'W', limit: 5, intervalMs: 1000 }, { name: 'X', limit: 5, intervalMs: 1000 }]);
  await clock.advance(0);
  assert.deepEqual(log, ['a@0']);
  l.setPools([{ name: 'W', limit: 3, intervalMs: 1000 }]);
  await clock.advance(0);
  assert.deepEqual(log, ['a@0', 'b!INVALID_ARGUMENT']);
  const snap = l.snapshot();
  assert.deepEqual(snap.pools.map((p) => [p.name, p.used, p.limit]), [['W', 5, 3]]);
  assert.throws(() => l.setPools([{ name: 'W', limit: 0, intervalMs: 1000 }]), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'));
});
