import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber, niceStep, timeTicks, valueTicks } from './ticks.ts';

test('value ticks: 1/2/5 steps that cover the data, labels with the step\'s decimals', () => {
  assert.equal(niceStep(100, 5), 20);
  assert.equal(niceStep(0.07, 5), 0.02);
  const t = valueTicks(18_900, 20_230);
  assert.ok(t.min <= 18_900 && t.max >= 20_230, `${t.min}..${t.max}`);
  assert.deepEqual(
    t.ticks.map((x) => x.label[0]),
    ['18,500', '19,000', '19,500', '20,000', '20,500'],
  );
  const small = valueTicks(0.4412, 0.5123);
  assert.deepEqual(small.ticks.map((x) => x.label[0]), ['0.44', '0.46', '0.48', '0.50', '0.52']);
  // zero is zero, not "−0.00" from float residue
  assert.ok(valueTicks(-0.3, 0.3).ticks.some((x) => x.label[0] === '0.0'));
  // a flat zero series still gets an axis
  assert.deepEqual([valueTicks(0, 0).min, valueTicks(0, 0).max], [0, 1]);
});

test('numbers: grouped thousands, a real minus sign, no locale', () => {
  assert.equal(formatNumber(-1234567.891, 2), '−1,234,567.89');
  assert.equal(formatNumber(-0.0001, 2), '0.00');
  assert.equal(formatNumber(999, 0), '999');
});

test('time ticks: whole hours for a day, the date under midnight and under the first tick', () => {
  const start = Date.parse('2026-01-05T00:01:00Z');
  const end = Date.parse('2026-01-06T00:00:00Z');
  const t = timeTicks(start, end);
  assert.ok(t.ticks.length >= 4 && t.ticks.length <= 8, `${t.ticks.length} ticks`);
  assert.deepEqual(t.ticks[0]!.label, ['03:00', '01-05']);
  assert.deepEqual(t.ticks[1]!.label, ['06:00']);
  assert.deepEqual(t.ticks[t.ticks.length - 1]!.label, ['00:00', '01-06']);
  for (const tick of t.ticks) assert.equal(tick.value % 3_600_000, 0, 'on the hour');
  const short = timeTicks(Date.parse('2026-01-05T06:00:00Z'), Date.parse('2026-01-05T07:00:00Z'));
  assert.deepEqual(short.ticks.map((x) => x.label[0]), ['06:00', '06:10', '06:20', '06:30', '06:40', '06:50', '07:00']);
  const week = timeTicks(Date.parse('2026-01-05T00:00:00Z'), Date.parse('2026-01-12T00:00:00Z'));
  assert.deepEqual(week.ticks[1]!.label, ['01-06']);
});
