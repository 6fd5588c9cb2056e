import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx, volumeSchema } from '@mm/core';
import type { FillRecord } from '../types.ts';
import { signedBps } from '../series.ts';
import { costOfVolumeBps, executionFigures } from './execution.ts';
import { hourlyVolume, paceHitPct, targetPace } from './hourly.ts';

function record(side: 'buy' | 'sell', price: string, mid: string, after: string, notional: string, liquidity: 'maker' | 'taker', tag: 'mm' | 'volume'): FillRecord {
  const p = fx.parse(price);
  const m = fx.parse(mid);
  const a = fx.parse(after);
  return {
    t: 0, tradeId: '1', side, price, qty: '1', notional, fee: '0', feeAsset: 'USDT', liquidity, tag,
    mid, spreadBps: signedBps(side, p, m, m), midAfter: [after, after, null], markoutBps: [signedBps(side, p, a, p), signedBps(side, p, a, p), null],
  };
}

test('spread captured and markouts are signed by side: a buy under the mid and a sell over it both earn', () => {
  assert.equal(signedBps('buy', fx.parse('99'), fx.parse('100'), fx.parse('100')), 100);
  assert.equal(signedBps('sell', fx.parse('101'), fx.parse('100'), fx.parse('100')), 100);
  // the price then runs through the buy: it was worth less afterwards
  assert.equal(signedBps('buy', fx.parse('100'), fx.parse('99.9'), fx.parse('100')), -10);
});

test('averages are notional-weighted and split by liquidity and leg; missing markouts are left out', () => {
  const fills = [
    record('buy', '99.9', '100', '100', '300', 'maker', 'mm'), // +10 bps at the trade
    record('sell', '99.95', '100', '100.05', '100', 'taker', 'volume'), // −5 bps
  ];
  const e = executionFigures(fills, { net: fx.parse('-0.4'), maker: fx.parse('300'), taker: fx.parse('100') });
  assert.equal(e.spreadCapturedBps.maker, 10);
  assert.equal(e.spreadCapturedBps.taker, -5);
  assert.equal(e.spreadCapturedBps.all, 6.25, '(10 × 300 − 5 × 100) ÷ 400');
  assert.equal(e.spreadCapturedBps.grid, 10);
  assert.equal(e.spreadCapturedBps.volume, -5);
  assert.equal(e.markoutBps.all[2], null, 'no 60 s mids');
  assert.ok(e.markoutBps.maker[0]! > 0 && e.markoutBps.taker[0]! < 0);
  assert.deepEqual(e.fills, { all: 2, maker: 1, taker: 1, grid: 1, volume: 1 });
  assert.equal(e.notional.all, '400.00');
  assert.equal(e.makerSharePct, 75);
  assert.equal(e.costOfVolumeBps, 10, '0.4 lost on 400 traded');
});

test('cost of volume: −net ÷ volume × 10,000; earning gives a negative cost; no volume, no figure', () => {
  assert.equal(costOfVolumeBps(fx.parse('-12.5'), fx.parse('40000')), 3.13);
  assert.equal(costOfVolumeBps(fx.parse('33.9'), fx.parse('39909.33')), -8.49);
  assert.equal(costOfVolumeBps(fx.parse('1'), 0n), null);
});

test('target pace: a day of hourly paces adds up to the daily target, nothing outside the windows', () => {
  const volume = volumeSchema.parse({ enabled: true, dailyTargetQuote: '40000', windows: [{ start: '06:00', end: '22:00' }] });
  const day = Date.parse('2026-01-05T00:00:00Z');
  const hours = hourlyVolume([], volume, day, day + 24 * 3_600_000);
  assert.equal(hours.length, 24);
  assert.equal(hours[5]!.targetPace, '0.00');
  assert.equal(hours[6]!.targetPace, '2500.00', '40000 over 16 active hours');
  const sum = hours.reduce((s, h) => s + fx.parse(h.targetPace), 0n);
  assert.ok(fx.abs(sum - fx.parse('40000')) <= fx.parse('0.01'), fx.format(sum));
  // a window ending at :30 gets half an hour
  const half = volumeSchema.parse({ enabled: true, dailyTargetQuote: '1000', windows: [{ start: '10:00', end: '10:30' }] });
  assert.equal(fx.format(targetPace(half, day + 10 * 3_600_000)), '1000');
  assert.equal(paceHitPct(fx.parse('1250'), hourlyVolume([], volume, day + 6 * 3_600_000, day + 7 * 3_600_000), day + 7 * 3_600_000), 50);
  assert.equal(targetPace({ ...volume, enabled: false }, day + 8 * 3_600_000), 0n);
  // a period from 15:39 to 15:39 the next day: its first and last hours owe only their part of
  // the pace, so a whole day of windows adds up to the daily target once, not 17 hours of it
  const from = day + 15 * 3_600_000 + 39 * 60_000;
  const cut = hourlyVolume([], volume, from, from + 24 * 3_600_000);
  assert.equal(cut[0]!.targetPace, '875.00', '21 minutes of 2500 an hour');
  assert.equal(cut[cut.length - 1]!.targetPace, '1625.00', '39 minutes');
  const owed = cut.reduce((s, h) => s + fx.parse(h.targetPace), 0n);
  assert.ok(fx.abs(owed - fx.parse('40000')) <= fx.parse('0.01'), fx.format(owed));
});

test('hourly volume buckets fills by clock hour and keeps the volume leg apart', () => {
  const volume = volumeSchema.parse({ enabled: true, dailyTargetQuote: '100' });
  const start = Date.parse('2026-01-05T00:00:00Z');
  const fills = [
    { ...record('buy', '1', '1', '1', '10', 'maker', 'volume'), t: start + 1 },
    { ...record('buy', '1', '1', '1', '5', 'maker', 'mm'), t: start + 3_599_999 },
    { ...record('sell', '1', '1', '1', '7', 'maker', 'mm'), t: start + 2 * 3_600_000 + 10 }, // after the end: the stop's minute
  ];
  const hours = hourlyVolume(fills, volume, start, start + 2 * 3_600_000);
  assert.deepEqual(hours.map((h) => [h.hourStart.slice(11, 16), h.total, h.volumeLeg]), [['00:00', '15.00', '10.00'], ['01:00', '0.00', '0.00'], ['02:00', '7.00', '0.00']]);
});
