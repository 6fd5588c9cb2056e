import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, SimClock } from '@mm/core';
import { CancelAllPacer } from './cancel-all-pacer.ts';

/** Runs the simulated clock until `work` settles, letting promise continuations run between timers. */
async function drive<T>(clock: SimClock, work: Promise<T>): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  for (let i = 0; i < 10_000 && !settled; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    const next = clock.nextEventTime();
    if (next !== undefined && !settled) await clock.runUntil(next);
  }
  return done;
}

function sender(clock: SimClock, log: number[], latencyMs = 50, fail?: EngineError): () => Promise<void> {
  return async () => {
    log.push(clock.now());
    await clock.sleep(latencyMs);
    if (fail !== undefined) throw fail;
  };
}

test('a second cancel-all leaves no earlier than 3 s after the first one was answered', async () => {
  const clock = new SimClock(0);
  const pacer = new CancelAllPacer(clock, 3000);
  const sent: number[] = [];
  const first = pacer.run('BTC_USDT', sender(clock, sent));
  const second = pacer.run('ETH_USDT', sender(clock, sent));
  await drive(clock, Promise.all([first, second]));
  assert.deepEqual(sent, [0, 3050]);
});

test('identical requests that have not left yet share one request', async () => {
  const clock = new SimClock(0);
  const pacer = new CancelAllPacer(clock, 3000);
  const sent: number[] = [];
  const first = pacer.run('BTC_USDT', sender(clock, sent));
  const same = pacer.run('BTC_USDT', sender(clock, sent));
  await drive(clock, Promise.all([first, same]));
  assert.deepEqual(sent, [0]);
  // later ones wait for the window and then go together, once
  const b = pacer.run('BTC_USDT', sender(clock, sent));
  const c = pacer.run('BTC_USDT', sender(clock, sent));
  await drive(clock, Promise.all([b, c]));
  assert.deepEqual(sent, [0, 3050]);
});

test("'refuse' mode refuses a too-early cancel-all at once and sends nothing", async () => {
  const clock = new SimClock(0);
  const pacer = new CancelAllPacer(clock, 3000);
  const sent: number[] = [];
  await drive(clock, pacer.run('BTC_USDT', sender(clock, sent), 'refuse'));
  await assert.rejects(pacer.run('BTC_USDT', sender(clock, sent), 'refuse'), (e: EngineError) => e.code === 'RATE_LIMITED' && /3000 ms/.test(e.message));
  assert.deepEqual(sent, [0]);
  await clock.advance(3000);
  await drive(clock, pacer.run('BTC_USDT', sender(clock, sent), 'refuse'));
  assert.equal(sent.length, 2);
});

test('a request that never left does not start the 3 s window; any other failure does', async () => {
  const clock = new SimClock(0);
  const pacer = new CancelAllPacer(clock, 3000);
  const sent: number[] = [];
  await drive(clock, pacer.run('X', sender(clock, sent, 10, new EngineError('NETWORK', 'refused'))).catch(() => undefined));
  assert.equal(pacer.delayMs(), 0);
  await drive(clock, pacer.run('X', sender(clock, sent, 10, new EngineError('UNKNOWN_OUTCOME', 'lost'))).catch(() => undefined));
  assert.equal(pacer.delayMs(), 3000);
});
