import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, HOUR_MS, Rng, fx } from '@mm/core';
import { nextEventDelayMs } from './arrivals.ts';
import { pacing } from './pacing.ts';
import { volume } from '../test-fixtures.ts';
import type { VolumeConfig } from '@mm/core';

const utc = Date.UTC;
const p = fx.parse;

function delay(config: VolumeConfig, traded: string, now: number, rng: Rng): number {
  return nextEventDelayMs(config, pacing(config, p(traded), now), p(traded), now, rng);
}

test('target reached or no window at all: never', () => {
  const config = volume({ dailyTargetQuote: '1000' });
  assert.equal(delay(config, '1000', utc(2024, 0, 15, 12), new Rng(1)), Number.POSITIVE_INFINITY);
  assert.equal(delay(config, '1500', utc(2024, 0, 15, 12), new Rng(1)), Number.POSITIVE_INFINITY);
  const never = volume({ windows: [{ start: '08:00', end: '09:00', days: [] }] });
  assert.equal(delay(never, '0', utc(2024, 0, 15, 12), new Rng(1)), Number.POSITIVE_INFINITY);
});

test('outside the windows: the time until the next window start, today or later', () => {
  const config = volume({ windows: [{ start: '08:00', end: '20:00' }] });
  assert.equal(delay(config, '0', utc(2024, 0, 15, 6), new Rng(1)), 2 * HOUR_MS);
  assert.equal(delay(config, '0', utc(2024, 0, 15, 21), new Rng(1)), 11 * HOUR_MS);
  // Monday-only window, asked on Friday 5 January 2024 at noon: Monday 8 January 08:00
  const monday = volume({ windows: [{ start: '08:00', end: '20:00', days: [1] }] });
  assert.equal(delay(monday, '0', utc(2024, 0, 5, 12), new Rng(1)), 2 * DAY_MS + 20 * HOUR_MS);
});

test('inside a window: a Poisson draw at the rate the rest of the day needs', () => {
  const config = volume({ dailyTargetQuote: '12000', minTradeQuote: '100', maxTradeQuote: '100', windows: [{ start: '08:00', end: '20:00' }] });
  const now = utc(2024, 0, 15, 14);
  // on schedule (6000 of 12000 at half time): 6000 / 100 = 60 events in the 6 h left, no boost
  const rate = 60 / (6 * HOUR_MS);
  assert.equal(delay(config, '6000', now, new Rng(3)), Math.max(1_000, Math.round(new Rng(3).exponential(rate))));
  // the mean gap is 6 h / 60 = 6 min
  const rng = new Rng('mean');
  const n = 4_000;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += delay(config, '6000', now, rng);
  assert.ok(Math.abs(sum / n / 360_000 - 1) < 0.05, `mean ${sum / n}`);
  // behind (nothing traded, 6000 expected): 120 events needed, boosted by 1 + 2 × 6000/12000 = 2
  // → 4000 an hour, 4 × the plain pace of 1000: the default catch-up bound (2 × plain) holds it at
  // 2000 an hour, 20 events → mean 180 s
  let behind = 0;
  for (let i = 0; i < n; i++) behind += delay(config, '0', now, rng);
  assert.ok(Math.abs(behind / n / 180_000 - 1) < 0.05, `mean ${behind / n}`);
  // with a catch-up multiple of 4 the boosted rate stands: 240 events in 6 h → mean 90 s
  const loose = { ...config, catchUpMultiple: 4 };
  let boosted = 0;
  for (let i = 0; i < n; i++) boosted += delay(loose, '0', now, rng);
  assert.ok(Math.abs(boosted / n / 90_000 - 1) < 0.05, `mean ${boosted / n}`);
});

test('the draw is in active time: a gap between windows is skipped', () => {
  // a loose catch-up bound (10 × the plain 500 an hour), so the boosted rate below stands
  const config = volume({ dailyTargetQuote: '1000', minTradeQuote: '100', maxTradeQuote: '100', catchUpMultiple: 10, windows: [{ start: '08:00', end: '09:00' }, { start: '20:00', end: '21:00' }] });
  const now = utc(2024, 0, 15, 8, 59, 59);
  const state = pacing(config, 0n, now);
  // 10 events over the 1 s + 1 h active time left, boosted by 1 + 2 × deficit / (an hour of what is left)
  const hourNeed = (1_000 * HOUR_MS) / (1_000 + HOUR_MS);
  const rate = (10 / (1_000 + HOUR_MS)) * (1 + 2 * Math.min(1, fx.toNumber(state.deficit) / hourNeed));
  const draw = new Rng(5).exponential(rate);
  assert.ok(draw > 1_000, 'this seed draws past the first window');
  // 1 s in the first window, the rest after 20:00
  assert.equal(delay(config, '0', now, new Rng(5)), Math.round(utc(2024, 0, 15, 20) + (draw - 1_000) - now));
});

test('a draw past the day\'s active time waits for the next window; gaps are at least 1 s', () => {
  const config = volume({ dailyTargetQuote: '1000', minTradeQuote: '100', maxTradeQuote: '100', windows: [{ start: '08:00', end: '09:00' }] });
  const now = utc(2024, 0, 15, 8, 59, 59);
  let seed = 0;
  for (;;) {
    const rng = new Rng(seed);
    const state = pacing(config, p('900'), now);
    const rate = (1 / 1_000) * (1 + 2 * Math.min(1, fx.toNumber(state.deficit) / 100));
    if (rng.exponential(rate) > 1_000) break;
    seed++;
  }
  assert.equal(delay(config, '900', now, new Rng(seed)), utc(2024, 0, 16, 8) - now);
  // a huge target asks for a trade every fraction of a millisecond; the gap floor holds
  const busy = volume({ dailyTargetQuote: '1000000000', minTradeQuote: '20', maxTradeQuote: '20' });
  const rng = new Rng(9);
  for (let i = 0; i < 100; i++) assert.ok(delay(busy, '0', utc(2024, 0, 15, 12), rng) >= 1_000);
});

test('determinism: the same seed gives the same gaps', () => {
  const config = volume({ dailyTargetQuote: '5000' });
  const run = () => {
    const rng = new Rng(77);
    return Array.from({ length: 20 }, (_, i) => delay(config, String(i * 100), utc(2024, 0, 15, 12), rng));
  };
  assert.deepEqual(run(), run());
});

test('an early deficit raises the rate at once: an hour of what is left behind is the full boost', () => {
  const config = volume({ dailyTargetQuote: '12000', minTradeQuote: '100', maxTradeQuote: '100', catchUpMultiple: 4, windows: [{ start: '08:00', end: '20:00' }] });
  // 09:00, nothing traded: 1000 behind; 12000 left over 11 h is 1090.9 an hour, so the boost is
  // 1 + 2 × 1000 / 1090.9 = 2.83 → 120 events / 11 h × 2.83 = 30.9 an hour (under the bound of 40)
  const now = utc(2024, 0, 15, 9);
  const rng = new Rng('early');
  const n = 4_000;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += delay(config, '0', now, rng);
  const expected = HOUR_MS / ((120 / 11) * (1 + (2 * 1000) / (12000 / 11)));
  assert.ok(Math.abs(sum / n / expected - 1) < 0.05, `mean ${sum / n}, expected ${expected}`);
  // measured against the whole remaining amount it would have been 1 + 2 × 1000 / 12000: twice as slow
  assert.ok(sum / n < (HOUR_MS / ((120 / 11) * (1 + (2 * 1000) / 12000))) * 0.5);
});
